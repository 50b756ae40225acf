// Live updates (bots/console/live.go): a part of a page marked
// data-live="case:SERIAL" is fetched again from its data-live-src when that
// case changes, one marked data-live="board" when any case changes. The
// changes come as server-sent events from /desk/events. Where the browser
// has no EventSource, or the stream is down, a part with data-every is
// fetched every data-every seconds instead; while the stream is up, at
// most once a minute (what the clock alone changes: "due in 5 min").
// Every page works without this script.
'use strict';
(() => {
  const parts = [...document.querySelectorAll('[data-live][data-live-src]')];
  if (parts.length === 0) {
    return;
  }
  const root = document.documentElement;
  const state = new Map(parts.map((el) => [el, { timer: 0, running: false, again: false, held: false }]));
  let source = null;
  let live = false;
  let over = false; // signed out: nothing is fetched any more
  let polls = [];

  const stopPolling = () => {
    polls.forEach(clearInterval);
    polls = [];
  };

  const signedOut = () => {
    over = true;
    stopPolling();
    if (source) {
      source.close();
    }
    root.dataset.live = 'off';
    for (const el of parts) {
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
    return a && a !== el && el.contains(a) && a.matches('input, textarea, select, [contenteditable]');
  };

  const fetchPart = async (el) => {
    const s = state.get(el);
    if (over) {
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
          el.innerHTML = html;
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
    const s = state.get(el);
    if (!s.timer) {
      s.timer = setTimeout(() => {
        s.timer = 0;
        fetchPart(el);
      }, 150);
    }
  };

  for (const el of parts) {
    el.addEventListener('focusout', (e) => {
      const s = state.get(el);
      if (s.held && !el.contains(e.relatedTarget)) {
        s.held = false;
        schedule(el);
      }
    });
  }

  const poll = () => {
    stopPolling();
    if (over) {
      return;
    }
    for (const el of parts) {
      if (el.dataset.every) {
        const every = Math.max(1, Number(el.dataset.every) || 30);
        polls.push(setInterval(() => schedule(el), (live ? Math.max(every, 60) : every) * 1000));
      }
    }
  };

  const setLive = (on) => {
    if (live !== on || !root.dataset.live) {
      live = on;
      root.dataset.live = on ? 'on' : 'off';
      poll();
    }
  };

  const connect = () => {
    if (over || !window.EventSource) {
      return;
    }
    source = new EventSource('/desk/events');
    source.addEventListener('open', () => {
      const missed = root.dataset.live === 'off';
      setLive(true);
      if (missed) {
        parts.forEach(schedule); // changes while the stream was down
      }
    });
    source.addEventListener('case', (e) => {
      for (const el of parts) {
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
        parts.forEach(schedule);
        setTimeout(connect, 60000);
      }
    });
  };

  setLive(false);
  connect();
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !live) {
      parts.filter((el) => el.dataset.every).forEach(schedule);
    }
  });
})();
