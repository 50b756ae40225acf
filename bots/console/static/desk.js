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

  // The deadline board fetches its body again every few seconds.
  const board = document.querySelector('[data-refresh]');
  if (board) {
    const every = Math.max(1, Number(board.dataset.every) || 30) * 1000;
    let timer = 0;
    const refresh = async () => {
      try {
        const res = await fetch(board.dataset.refresh, {
          headers: { 'X-Desk-Fragment': '1' }, credentials: 'same-origin', cache: 'no-store',
        });
        if (res.status === 401) {
          clearInterval(timer);
          const p = document.createElement('p');
          p.className = 'problem';
          p.setAttribute('role', 'alert');
          p.textContent = board.dataset.signedOut;
          board.replaceChildren(p);
          return;
        }
        if (res.ok) {
          // The server's own HTML, every value escaped by its templates.
          board.innerHTML = await res.text();
        }
      } catch (e) {
        // Offline for a moment: the next round tries again.
      }
    };
    timer = setInterval(refresh, every);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) {
        refresh();
      }
    });
  }

  // deskwork: reply templates. A <select data-template-for="ID"> (the
  // "template-picker" part) inserts the chosen template's text into the
  // text box ID where its cursor is — the whole box when it is empty — to
  // edit before sending; then the choice resets and the box has the focus.
  for (const pick of document.querySelectorAll('select[data-template-for]')) {
    const box = document.getElementById(pick.dataset.templateFor);
    if (!box) {
      continue;
    }
    pick.closest('[hidden]')?.removeAttribute('hidden');
    pick.addEventListener('change', () => {
      const body = pick.selectedOptions[0]?.dataset.body;
      if (!body) {
        return;
      }
      const start = box.selectionStart ?? box.value.length;
      const end = box.selectionEnd ?? start;
      box.setRangeText(body, start, end, 'end');
      box.dispatchEvent(new Event('input', { bubbles: true }));
      pick.value = '';
      box.focus();
    });
  }
  // deskwork end.
})();
