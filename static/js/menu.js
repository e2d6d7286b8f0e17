// The header's menu button on small screens. Without JavaScript the button stays hidden and the
// links stack under the brand; with it, they fold behind the button (ruche.css, .js .site-menu),
// and so do the staff links (#staff-menu): one button, one line of header on a phone, whatever
// the role. The button names every panel it opens in aria-controls.
(function () {
  var button = document.querySelector(".menu-button");
  var panels = ["site-menu", "staff-menu"]
    .map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  if (!button || !panels.length) return;
  document.documentElement.classList.add("js");
  button.hidden = false;
  button.setAttribute("aria-controls", panels.map(function (el) { return el.id; }).join(" "));
  document.querySelectorAll(".menu-button-companion").forEach(function (el) { el.hidden = false; });
  function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panels.forEach(function (el) { el.classList.toggle("open", open); });
  }
  button.addEventListener("click", function () { setOpen(!isOpen()); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen()) {
      setOpen(false);
      button.focus();
    }
  });
})();
