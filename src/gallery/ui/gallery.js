// The gallery's only script (email previews themselves run no scripts: sandboxed iframes).
// Width toggle, and live reload: poll the server's version and reload when it changes.
(function () {
  var script = document.currentScript;
  var version = script ? script.getAttribute("data-version") : null;
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button.width");
    if (!b) return;
    var frame = document.getElementById("email");
    if (frame) frame.style.width = b.getAttribute("data-width") + "px";
  });
  function poll() {
    fetch("/api/version", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (v) {
        if (version !== null && String(v.version) !== version) location.reload();
        else setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
