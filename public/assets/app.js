// Browser behaviour for the server-rendered UI. Loaded with `defer` after htmx and before the
// Alpine CSP build, so the components below are registered when Alpine starts.
// Strict CSP: no eval, no inline handlers. Alpine expressions in the markup are only property
// names and method names of these components.
(function () {
  'use strict';

  var GENERIC_ERROR = 'Something went wrong. Please try again.';
  var TOAST_MS = 6000;

  // ---------- toasts ----------

  // Clones the server-rendered <template id="toast-template-KIND"> (from the layout) so toasts made
  // here look exactly like flash messages rendered by the server, then lets Alpine start it.
  function showToast(kind, message) {
    if (kind !== 'success' && kind !== 'error' && kind !== 'info') kind = 'info';
    var region = document.getElementById('toasts');
    var template = document.getElementById('toast-template-' + kind);
    if (!region || !template || !message) return;
    var node = template.content.firstElementChild.cloneNode(true);
    var text = node.querySelector('.toast-message');
    if (text) text.textContent = String(message);
    region.appendChild(node);
  }
  window.showToast = showToast;

  function errorMessageFor(status) {
    if (status === 401) return 'Your session has ended. Please log in again.';
    if (status === 403) return 'You do not have permission to do that. Reload the page and try again.';
    if (status === 429) return 'Too many requests. Wait a moment and try again.';
    return GENERIC_ERROR;
  }

  // ---------- htmx glue ----------

  document.addEventListener('htmx:responseError', function (event) {
    var xhr = event.detail && event.detail.xhr;
    showToast('error', errorMessageFor(xhr ? xhr.status : 0));
  });
  document.addEventListener('htmx:sendError', function () {
    showToast('error', GENERIC_ERROR);
  });
  document.addEventListener('htmx:timeout', function () {
    showToast('error', GENERIC_ERROR);
  });

  // The server can raise a toast from any htmx response with the header
  //   HX-Trigger: {"toast": {"kind": "success", "message": "Item created"}}
  document.addEventListener('toast', function (event) {
    var detail = event.detail || {};
    showToast(detail.kind, detail.message || detail.value);
  });

  // After a form comes back with inline errors, put the keyboard on the first invalid field.
  document.addEventListener('htmx:afterSettle', function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var scope = (target.id && document.getElementById(target.id)) || (target.isConnected ? target : null);
    if (!scope) return;
    var invalid = scope.querySelector('[aria-invalid="true"]');
    if (invalid && typeof invalid.focus === 'function') invalid.focus();
  });

  // Forms marked data-reset-on-success are cleared after a successful htmx submit (for example the
  // "new item" form, whose response is added to a list elsewhere).
  document.addEventListener('htmx:afterRequest', function (event) {
    var elt = event.detail && event.detail.elt;
    var xhr = event.detail && event.detail.xhr;
    if (!elt || !xhr || !elt.isConnected) return;
    if (elt.matches('form[data-reset-on-success]') && xhr.status >= 200 && xhr.status < 300) {
      elt.reset();
      var first = elt.querySelector('input:not([type="hidden"]), textarea, select');
      if (first) first.focus();
    }
  });

  // Follow the system theme while the visitor has not picked one.
  try {
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', function (event) {
      if (localStorage.getItem('theme')) return;
      document.documentElement.classList.toggle('dark', event.matches);
    });
  } catch (e) {
    /* old browsers: ignore */
  }

  // ---------- Alpine components ----------

  document.addEventListener('alpine:init', function () {
    var Alpine = window.Alpine;

    // Header button: light <-> dark, remembered in localStorage.
    Alpine.data('themeToggle', function () {
      return {
        isDark: false,
        init: function () {
          this.isDark = document.documentElement.classList.contains('dark');
        },
        toggle: function () {
          this.isDark = !this.isDark;
          document.documentElement.classList.toggle('dark', this.isDark);
          try {
            localStorage.setItem('theme', this.isDark ? 'dark' : 'light');
          } catch (e) {
            /* storage blocked: the choice lasts for this page only */
          }
        },
      };
    });

    // Hamburger menu on small screens.
    Alpine.data('mobileNav', function () {
      return {
        open: false,
        toggle: function () {
          this.open = !this.open;
        },
        close: function () {
          this.open = false;
        },
        closeAndFocusButton: function () {
          if (!this.open) return;
          this.open = false;
          var button = this.$root.querySelector('[aria-controls="mobile-menu"]');
          if (button) button.focus();
        },
      };
    });

    // A toast that hides itself after 6 s (paused while hovered or focused) or when dismissed.
    Alpine.data('flash', function () {
      return {
        visible: true,
        timer: null,
        init: function () {
          this.resume();
        },
        pause: function () {
          if (this.timer) clearTimeout(this.timer);
          this.timer = null;
        },
        resume: function () {
          this.pause();
          this.timer = setTimeout(() => this.dismiss(), TOAST_MS);
        },
        dismiss: function () {
          var root = this.$root;
          this.pause();
          this.visible = false;
          setTimeout(function () {
            if (root && root.parentNode) root.parentNode.removeChild(root);
          }, 400);
        },
        destroy: function () {
          this.pause();
        },
      };
    });

    // <div x-data="redirectAfter" data-redirect-url="/dashboard" data-redirect-delay="1200">
    // navigates after the delay (used after sign-up). Only http(s) URLs are followed.
    Alpine.data('redirectAfter', function () {
      return {
        timer: null,
        init: function () {
          var el = this.$el;
          var raw = el.getAttribute('data-redirect-url');
          var delay = parseInt(el.getAttribute('data-redirect-delay') || '0', 10);
          if (!raw) return;
          var target;
          try {
            target = new URL(raw, window.location.href);
          } catch (e) {
            return;
          }
          if (target.protocol !== 'http:' && target.protocol !== 'https:') return;
          this.timer = setTimeout(
            function () {
              window.location.assign(target.href);
            },
            isFinite(delay) && delay > 0 ? delay : 0,
          );
        },
        destroy: function () {
          if (this.timer) clearTimeout(this.timer);
        },
      };
    });
  });
})();
