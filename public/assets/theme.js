// Runs in <head> before first paint: marks JS as available and applies the saved or system theme,
// so a dark-mode visitor never sees a white flash. Kept tiny and dependency-free on purpose.
(function () {
  var root = document.documentElement;
  root.classList.add('js');
  var dark = false;
  try {
    var saved = localStorage.getItem('theme');
    dark = saved === 'dark' || (saved !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  } catch (e) {
    /* storage can be blocked: fall back to light */
  }
  root.classList.toggle('dark', dark);
})();
