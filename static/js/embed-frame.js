/* Inside the widget's frame: tell the framing page (static/embed.js) how tall the content is,
   so it sizes the frame without a scroll bar. Only to the parent origin the server accepted
   (data-embed-parent, one of EMBED_ALLOWED_ORIGINS); nothing else is ever sent. */
(function () {
  "use strict";
  var parentOrigin = document.documentElement.getAttribute("data-embed-parent");
  if (!parentOrigin || window.parent === window) return;
  var last = 0;
  function send() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "ruche:height", height: height }, parentOrigin);
  }
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
  document.body.addEventListener("htmx:afterSettle", send);
  window.addEventListener("load", send);
  send();
})();
