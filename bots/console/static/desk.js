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

  // deskwork: reply templates. A <select data-template-for="ID"> (the
  // "template-picker" part) inserts the chosen template's text into the
  // text box ID where its cursor is — the whole box when it is empty — to
  // edit before sending; then the choice resets and the box has the focus.
  // Delegated, so that a picker a live part brings (the case's forms) works
  // as well as one the page was drawn with.
  const showPickers = (root) => {
    for (const pick of root.querySelectorAll('select[data-template-for]')) {
      if (document.getElementById(pick.dataset.templateFor)) {
        pick.closest('[hidden]')?.removeAttribute('hidden');
      }
    }
  };
  showPickers(document);
  document.addEventListener('desk:live', (e) => showPickers(e.target));
  document.addEventListener('change', (e) => {
    const pick = e.target;
    if (!(pick instanceof HTMLSelectElement) || !pick.dataset.templateFor) {
      return;
    }
    const box = document.getElementById(pick.dataset.templateFor);
    const body = pick.selectedOptions[0]?.dataset.body;
    if (!box || !body) {
      return;
    }
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? start;
    box.setRangeText(body, start, end, 'end');
    box.dispatchEvent(new Event('input', { bubbles: true }));
    pick.value = '';
    box.focus();
  });
  // deskwork end.
})();

// Live updates (bots/console/live.go): a part of a page marked
// data-live="case:SERIAL" is fetched again from its data-live-src when that
// case changes, one marked data-live="board" when any case changes. The
// changes come as server-sent events from /desk/events. Where the browser
// has no EventSource, or the stream is down, a part with data-every is
// fetched every data-every seconds instead; while the stream is up, at
// most once a minute (what the clock alone changes: "due in 5 min").
// Parts are looked up at each change, so a part a refresh brings follows
// too. A part marked data-live="poll" hears no change: it is fetched every
// data-every seconds, stream or not.
(() => {
  const selector = '[data-live][data-live-src]';
  const parts = () => [...document.querySelectorAll(selector)];
  if (parts().length === 0) {
    return;
  }
  const root = document.documentElement;
  const states = new WeakMap();
  const state = (el) => {
    let s = states.get(el);
    if (!s) {
      s = { timer: 0, running: false, again: false, held: false, at: Date.now() };
      states.set(el, s);
    }
    return s;
  };
  let source = null;
  let live = false;
  let over = false; // signed out: nothing is fetched any more

  const signedOut = () => {
    over = true;
    if (source) {
      source.close();
    }
    root.dataset.live = 'off';
    for (const el of parts()) {
      if (el.dataset.signedOut) {
        const p = document.createElement('p');
        p.className = 'problem';
        p.setAttribute('role', 'alert');
        p.textContent = el.dataset.signedOut;
        el.replaceChildren(p);
      }
    }
  };

  // editing: the focus is on a field inside el. A part is not replaced
  // under a person's hands; it is fetched once the focus leaves it.
  const editing = (el) => {
    const a = document.activeElement;
    // A button or a form's summary too: replacing it would drop the
    // keyboard's place to the top of the page.
    return a && a !== el && el.contains(a) && a.matches('input, textarea, select, button, summary, [contenteditable]');
  };

  // keep notes what a person has done inside a part that a refresh would
  // undo: the forms (details, by data-action or id) they opened and the
  // fields (by id) they typed in or chose in (a department to dispatch to:
  // a refresh must not quietly put back the first); restore puts it back on
  // the new part.
  const keep = (el) => ({
    open: [...el.querySelectorAll('details[open]')].map((d) => d.dataset.action || d.id).filter(Boolean),
    typed: [...el.querySelectorAll('textarea[id], input[id]:not([type=hidden])')]
      .filter((f) => f.value !== f.defaultValue).map((f) => [f.id, f.value]),
    chosen: [...el.querySelectorAll('select[id]:not([data-template-for])')]
      .filter((f) => [...f.options].some((o) => o.selected !== o.defaultSelected))
      .map((f) => [f.id, [...f.selectedOptions].map((o) => o.value)]),
  });
  const restore = (el, kept) => {
    for (const d of el.querySelectorAll('details')) {
      if (kept.open.includes(d.dataset.action || d.id)) {
        d.open = true;
      }
    }
    for (const [id, value] of kept.typed) {
      const f = el.querySelector('#' + CSS.escape(id));
      if (f) {
        f.value = value;
      }
    }
    for (const [id, values] of kept.chosen) {
      const f = el.querySelector('select#' + CSS.escape(id));
      if (f) {
        for (const o of f.options) {
          o.selected = values.includes(o.value);
        }
      }
    }
  };

  const fetchPart = async (el) => {
    const s = state(el);
    if (over || !el.isConnected) {
      return;
    }
    if (s.running) {
      s.again = true; // changed again meanwhile: once more after this one
      return;
    }
    if (editing(el)) {
      s.held = true;
      return;
    }
    s.running = true;
    s.at = Date.now();
    try {
      const res = await fetch(el.dataset.liveSrc, {
        headers: { 'X-Desk-Fragment': '1' }, credentials: 'same-origin', cache: 'no-store',
      });
      if (res.status === 401) {
        signedOut();
        return;
      }
      if (res.ok) {
        const html = await res.text();
        if (editing(el)) {
          s.held = true;
        } else {
          // The server's own HTML, every value escaped by its templates.
          // What the person opened or typed and has not sent stays: a form
          // open stays open, a text typed in it stays typed.
          const kept = keep(el);
          el.innerHTML = html;
          restore(el, kept);
          el.dispatchEvent(new CustomEvent('desk:live', { bubbles: true }));
        }
      }
    } catch (e) {
      // Offline for a moment: the next change or round tries again.
    } finally {
      s.running = false;
    }
    if (s.again) {
      s.again = false;
      fetchPart(el);
    }
  };

  // schedule fetches el a moment later: a burst of changes (one action
  // touching several cases) is one fetch.
  const schedule = (el) => {
    const s = state(el);
    if (!s.timer) {
      s.timer = setTimeout(() => {
        s.timer = 0;
        fetchPart(el);
      }, 150);
    }
  };

  document.addEventListener('focusout', (e) => {
    for (const el of parts()) {
      const s = state(el);
      if (s.held && el.contains(e.target) && !el.contains(e.relatedTarget)) {
        s.held = false;
        schedule(el);
      }
    }
  });

  // The polling: each second, a part with data-every whose time is up.
  setInterval(() => {
    if (over) {
      return;
    }
    const now = Date.now();
    for (const el of parts()) {
      if (el.dataset.every) {
        const every = Math.max(1, Number(el.dataset.every) || 30);
        // A part no case change announces (data-live="poll": a bulletin's
        // delivery) keeps its own pace while the stream is up.
        const slow = live && el.dataset.live !== 'poll';
        if (now - state(el).at >= (slow ? Math.max(every, 60) : every) * 1000) {
          schedule(el);
        }
      }
    }
  }, 1000);

  const setLive = (on) => {
    live = on;
    root.dataset.live = on ? 'on' : 'off';
  };

  const connect = () => {
    if (over || !window.EventSource) {
      return;
    }
    source = new EventSource('/desk/events');
    source.addEventListener('open', () => {
      setLive(true);
      // What changed between drawing the page (or the stream's fall) and
      // now was not heard: fetch once.
      parts().forEach(schedule);
    });
    source.addEventListener('case', (e) => {
      for (const el of parts()) {
        const want = el.dataset.live;
        if (want === 'board' || e.data === '*' || want === 'case:' + e.data) {
          schedule(el);
        }
      }
    });
    source.addEventListener('signedout', signedOut);
    source.addEventListener('error', () => {
      setLive(false);
      if (source.readyState === EventSource.CLOSED) {
        // Refused: signed out (a fetch shows it), or this heed has no live
        // updates. Polling carries on; the stream is tried again later.
        source = null;
        parts().forEach(schedule);
        setTimeout(connect, 60000);
      }
    });
  };

  setLive(false);
  connect();
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !live) {
      parts().filter((el) => el.dataset.every).forEach(schedule);
    }
  });
})();
