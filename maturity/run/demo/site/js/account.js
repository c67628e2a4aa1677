/* The demo's online account: signing in keeps a token in sessionStorage (no cookie, nothing sent);
   the account pages send anyone without it back to the sign-in page. */
(function () {
  var KEY = 'dnr-session';
  var signIn = document.getElementById('sign-in');
  if (signIn) {
    signIn.addEventListener('submit', function (event) {
      event.preventDefault();
      var filled = document.getElementById('email').value && document.getElementById('password').value;
      if (!filled) {
        document.getElementById('sign-in-error').hidden = false;
        return;
      }
      sessionStorage.setItem(KEY, 'demo-' + Date.now());
      location.assign('/account/');
    });
    return;
  }
  if (!sessionStorage.getItem(KEY)) {
    location.replace('/account/sign-in.html');
    return;
  }
  var signOut = document.getElementById('sign-out');
  if (signOut) {
    signOut.addEventListener('click', function () { sessionStorage.removeItem(KEY); });
  }
  var renew = document.getElementById('renew-continue');
  if (renew) {
    renew.addEventListener('click', function () {
      var length = document.getElementById('length');
      document.getElementById('renew-number').textContent = document.getElementById('licence').value || 'not given';
      document.getElementById('renew-length').textContent = length.options[length.selectedIndex].text;
      document.getElementById('renew-check').hidden = false;
      document.getElementById('renew-check-heading').focus();
    });
  }
  var find = document.getElementById('campsite-find');
  if (find) {
    find.addEventListener('click', function () {
      var park = document.getElementById('campsite-park');
      document.getElementById('campsite-summary').textContent =
        '12 campsites are open at ' + park.options[park.selectedIndex].text + ' this weekend.';
      document.getElementById('campsite-results').hidden = false;
    });
  }
})();
