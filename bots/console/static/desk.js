// The desk's script: the few things a page does better with it. Every page
// works without it.
'use strict';
(() => {
  // A sign-in link's page signs in by itself: opening the link is enough.
  // (Chat apps' link previews fetch the page but run no script, so a
  // preview never spends the link.)
  const auto = document.querySelector('form[data-autosubmit]');
  if (auto) {
    auto.requestSubmit();
  }

  // Parts of a page that update themselves (the deadline board, a case's
  // record): live.js.
})();
