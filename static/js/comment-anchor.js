// A link to #comment-<id> (notifications, the moderation queue, a profile) may point at a
// comment on a later page of the idea's comments: ask the server for the page holding it.
(function () {
  var match = /^#comment-(\d+)$/.exec(window.location.hash);
  if (!match || document.getElementById("comment-" + match[1])) return;
  var params = new URLSearchParams(window.location.search);
  if (params.get("comment") === match[1]) return; // already asked: it is not visible to us
  params.set("comment", match[1]);
  params.delete("comments");
  window.location.replace(window.location.pathname + "?" + params.toString() + window.location.hash);
})();
