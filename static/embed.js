/* Ruche's "Suggest an idea" widget for a bank's own pages (docs/widget.md):

     <div data-ruche-widget="https://ideas.bank.example"></div>
     <script src="https://ideas.bank.example/static/embed.js" async></script>

   Puts Ruche's /embed/ page in a frame there, and follows its height from the messages the
   frame sends (static/js/embed-frame.js), accepting them only from that frame and from Ruche's
   origin. The page's origin must be in Ruche's EMBED_ALLOWED_ORIGINS, or the browser refuses
   to show the frame. No cookie, no style sheet and no other request of its own. */
(function () {
  "use strict";
  var MAX_HEIGHT = 4000;

  function mount(box) {
    if (box.getAttribute("data-ruche-mounted")) return;
    var ruche = new URL(box.getAttribute("data-ruche-widget"), document.baseURI).origin;
    var src = new URL("/embed/", ruche);
    src.searchParams.set("parent", window.location.origin);
    var frame = document.createElement("iframe");
    frame.src = src.href;
    frame.title = box.getAttribute("data-ruche-title") || "Suggest an idea";
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = "420px";
    box.setAttribute("data-ruche-mounted", "1");
    box.appendChild(frame);
    window.addEventListener("message", function (event) {
      if (event.origin !== ruche || event.source !== frame.contentWindow) return;
      var data = event.data;
      if (!data || data.type !== "ruche:height") return;
      var height = Math.round(Number(data.height));
      if (height > 0 && height <= MAX_HEIGHT) frame.style.height = height + "px";
    });
  }

  function mountAll() {
    var boxes = document.querySelectorAll("[data-ruche-widget]");
    for (var i = 0; i < boxes.length; i++) mount(boxes[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
