// Passkey ceremonies for the server-rendered forms marked data-passkey ("register" or
// "authenticate"). On submit: POST the form's fields to data-options-url (JSON, with the CSRF header
// the way htmx requests carry it), run the browser's ceremony through @simplewebauthn/browser
// (vendor/simplewebauthn-browser.min.js, loaded before this file), put its result in the hidden
// `response` field and submit the form for real: the server answers with a page or a redirect.
// Errors become toasts and the form stays usable. Strict CSP: no inline code, no eval.
(function () {
  'use strict';
  // Every passkey form brings its own <script> tags: run once per page.
  if (window.passkeyFormsReady) return;
  window.passkeyFormsReady = true;

  var GENERIC_ERROR = 'Something went wrong. Please try again.';

  function lib() {
    return window.SimpleWebAuthnBrowser || null;
  }

  function toast(message) {
    if (typeof window.showToast === 'function') window.showToast('error', message);
  }

  // The layout puts the token on <body hx-headers>; forms also carry it in a hidden field.
  function csrfToken(form) {
    try {
      var headers = JSON.parse(document.body.getAttribute('hx-headers') || '{}');
      if (headers['x-csrf-token']) return headers['x-csrf-token'];
    } catch (e) {
      /* fall back to the form's field */
    }
    var field = form.querySelector('input[name="_csrf"]');
    return field ? field.value : '';
  }

  function messageForStatus(status) {
    if (status === 401) return 'Your session has ended. Please log in again.';
    if (status === 403) return 'Your page is out of date. Reload it and try again.';
    if (status === 429) return 'Too many attempts. Wait a moment and try again.';
    return GENERIC_ERROR;
  }

  // What the browser's own errors mean to a person.
  function messageForCeremony(err) {
    var name = err && err.name;
    if (name === 'NotAllowedError' || name === 'AbortError') return 'The passkey request was cancelled or timed out. Try again when you are ready.';
    if (name === 'InvalidStateError') return 'This device already holds a passkey for your account.';
    if (name === 'SecurityError') return 'Passkeys cannot be used on this address. Use the main site address instead.';
    if (name === 'NotSupportedError') return 'This browser or device cannot use passkeys.';
    return (err && err.message) || GENERIC_ERROR;
  }

  // The fields sent with the options request: everything the user typed (not the hidden ones).
  function visibleFields(form) {
    var body = {};
    var inputs = form.querySelectorAll('input[name]:not([type="hidden"])');
    for (var i = 0; i < inputs.length; i++) body[inputs[i].name] = inputs[i].value;
    return body;
  }

  function setBusy(form, busy) {
    var buttons = form.querySelectorAll('button[type="submit"]');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = busy;
    if (busy) form.setAttribute('aria-busy', 'true');
    else form.removeAttribute('aria-busy');
  }

  function fetchOptions(form) {
    return window.fetch(form.getAttribute('data-options-url'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken(form) },
      body: JSON.stringify(visibleFields(form)),
    }).then(function (res) {
      return res
        .json()
        .catch(function () {
          return null;
        })
        .then(function (data) {
          if (res.ok && data && data.options) return data.options;
          // The server may say where to go (the sign-in ended): follow it.
          if (data && typeof data.redirect === 'string' && data.redirect.charAt(0) === '/' && data.redirect.charAt(1) !== '/') {
            if (data.error) toast(data.error);
            window.setTimeout(function () {
              window.location.assign(data.redirect);
            }, 1200);
            return null;
          }
          var error = new Error((data && (data.error || data.detail)) || messageForStatus(res.status));
          error.fromServer = true;
          if (data && data.field) error.field = data.field;
          throw error;
        });
    });
  }

  function run(form) {
    var browser = lib();
    var kind = form.getAttribute('data-passkey');
    setBusy(form, true);
    fetchOptions(form)
      .then(function (options) {
        if (!options) return null;
        return kind === 'register' ? browser.startRegistration({ optionsJSON: options }) : browser.startAuthentication({ optionsJSON: options });
      })
      .then(function (result) {
        if (!result) {
          setBusy(form, false);
          return;
        }
        form.querySelector('input[name="response"]').value = JSON.stringify(result);
        // The password was checked with the options request: it is not sent again.
        var passwords = form.querySelectorAll('input[type="password"]');
        for (var i = 0; i < passwords.length; i++) passwords[i].disabled = true;
        window.HTMLFormElement.prototype.submit.call(form);
      })
      .catch(function (err) {
        setBusy(form, false);
        toast(err && err.fromServer ? err.message : messageForCeremony(err));
        var field = err && err.field ? form.querySelector('[name="' + err.field + '"]') : null;
        if (field) {
          if (field.type === 'password') field.value = '';
          field.focus();
        }
      });
  }

  function init() {
    var browser = lib();
    var supported = Boolean(browser && browser.browserSupportsWebAuthn());
    var forms = document.querySelectorAll('form[data-passkey]');
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      if (!supported) continue;
      form.hidden = false;
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        if (event.currentTarget.getAttribute('aria-busy') === 'true') return;
        run(event.currentTarget);
      });
    }
    if (supported) {
      var notes = document.querySelectorAll('[data-passkey-unsupported]');
      for (var j = 0; j < notes.length; j++) notes[j].hidden = true;
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
