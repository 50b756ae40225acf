// heed web chat. Owner text is only ever put in the page with textContent.
// Each send has its own id; a retry reuses it, so the server handles it once.
(() => {
  'use strict';

  const STRINGS = {
    'zh-CN': {
      title: '在线投诉 · 物业客服', log: '对话记录', input: '输入消息', send: '发送', photo: '发送照片',
      placeholder: '请描述您遇到的问题…',
      intro: '您好！这里是物业客服。请直接描述您遇到的问题，也可以发送照片，我们会为您登记并跟进处理。',
      sending: '发送中…', failed: '发送失败', retry: '重试', retrying: '网络不稳定，正在重试…',
      tooBig: '图片不能超过 10 MB。', notImage: '只能发送图片。', tooLong: '消息太长，请分几条发送。',
      rejected: '这条消息没有发送成功：', expired: '会话已失效，请刷新页面后继续。', reload: '刷新',
      photoAlt: '您发送的照片',
    },
    'zh-TW': {
      title: '線上投訴 · 物業客服', log: '對話紀錄', input: '輸入訊息', send: '傳送', photo: '傳送照片',
      placeholder: '請描述您遇到的問題…',
      intro: '您好！這裡是物業客服。請直接描述您遇到的問題，也可以傳送照片，我們會為您登記並跟進處理。',
      sending: '傳送中…', failed: '傳送失敗', retry: '重試', retrying: '網路不穩定，正在重試…',
      tooBig: '圖片不能超過 10 MB。', notImage: '只能傳送圖片。', tooLong: '訊息太長，請分幾則傳送。',
      rejected: '這則訊息沒有傳送成功：', expired: '連線已失效，請重新整理頁面後繼續。', reload: '重新整理',
      photoAlt: '您傳送的照片',
    },
    en: {
      title: 'Complaints · Property Service', log: 'Conversation', input: 'Message', send: 'Send', photo: 'Send a photo',
      placeholder: 'Describe the problem…',
      intro: 'Hello, this is your property service desk. Tell us what is wrong, add photos if you like, and we will register it and follow up.',
      sending: 'Sending…', failed: 'Not sent', retry: 'Retry', retrying: 'Connection trouble, retrying…',
      tooBig: 'Photos can be at most 10 MB.', notImage: 'Only pictures can be sent.', tooLong: 'That is too long; please send it in parts.',
      rejected: 'This message was not sent: ', expired: 'Your session has ended. Please reload the page to continue.', reload: 'Reload',
      photoAlt: 'Your photo',
    },
  };

  function pickLanguage() {
    const lang = (navigator.language || 'zh-CN').toLowerCase();
    if (lang.startsWith('zh')) return /^zh-(tw|hk|mo|hant)/.test(lang) ? 'zh-TW' : 'zh-CN';
    if (lang.startsWith('en')) return 'en';
    return 'zh-CN';
  }
  const lang = pickLanguage();
  const T = STRINGS[lang];

  const $ = (sel) => document.querySelector(sel);
  const log = $('#log');
  const form = $('#composer');
  const input = $('#text');
  const photoButton = $('#photo-button');
  const photoInput = $('#photo');

  const MAX_PHOTO = 10 << 20;
  const RETRY_DELAYS = [1000, 2000, 4000];
  const POLL_EVERY = 2000;

  const state = {
    lastId: 0,       // the newest line shown
    queue: [],       // sends in order; the first is in flight or failed
    sending: false,
    halted: false,   // the first of the queue failed: waiting for 重试
    polling: false,
    expired: false,
  };

  function localize() {
    document.documentElement.lang = lang;
    document.title = T.title;
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = T[el.dataset.i18n];
    for (const el of document.querySelectorAll('[data-i18n-label]')) {
      el.setAttribute('aria-label', T[el.dataset.i18nLabel]);
      if (el.title) el.title = T[el.dataset.i18nLabel];
    }
    for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = T[el.dataset.i18nPlaceholder];
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
    const b = new Uint8Array(16);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(b);
    else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- rendering ---------------------------------------------------------------------------------

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 120;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  // Lines go above the pending sends, which stay last until answered.
  function insert(node) {
    const firstPending = log.querySelector('.msg.pending');
    log.insertBefore(node, firstPending);
  }

  // Only the newest question's buttons can be pressed, and only until the
  // owner says something else.
  function disableChoices() {
    for (const b of log.querySelectorAll('.choice:not(:disabled)')) b.disabled = true;
  }

  function renderChoices(choices) {
    const group = el('div', 'choices');
    group.setAttribute('role', 'group');
    for (const c of choices) {
      const b = el('button', 'choice', c.label);
      b.type = 'button';
      b.addEventListener('click', (ev) => {
        if (b.disabled) return;
        disableChoices();
        b.classList.add('chosen');
        enqueue({ kind: 'button', data: c.data, label: c.label });
        if (ev.detail === 0) input.focus(); // by keyboard: keep the focus in the chat
      });
      group.append(b);
    }
    return group;
  }

  function renderLine(line) {
    const who = line.from === 'owner' ? 'owner' : 'heed';
    const msg = el('div', `msg ${who}`);
    msg.dataset.id = String(line.id);
    const bubble = el('div', 'bubble', line.text || '');
    if (line.at) bubble.title = new Date(line.at).toLocaleString(lang);
    msg.append(bubble);
    if (who === 'owner') disableChoices();
    if (who === 'heed' && Array.isArray(line.choices) && line.choices.length) {
      disableChoices();
      msg.append(renderChoices(line.choices));
    }
    return msg;
  }

  // addLines shows the lines newer than the newest shown. Every answer holds
  // all lines after the id its request named, so nothing is skipped.
  function addLines(lines, sent) {
    const stick = nearBottom();
    let photoShown = false;
    for (const line of lines || []) {
      if (typeof line.id !== 'number' || line.id <= state.lastId) continue;
      state.lastId = line.id;
      const node = renderLine(line);
      if (sent && sent.kind === 'photo' && line.from === 'owner' && !photoShown) {
        // The transcript has no pictures; show the owner the one just sent.
        node.querySelector('.bubble').prepend(photoImage(sent));
        photoShown = true;
      }
      insert(node);
    }
    if (stick || sent) scrollDown();
  }

  function photoImage(item) {
    const img = el('img');
    img.src = item.url;
    img.alt = T.photoAlt;
    return img;
  }

  function note(text, isError, action) {
    const n = el('p', isError ? 'note error' : 'note', text);
    if (action) {
      const b = el('button', '', action.label);
      b.type = 'button';
      b.addEventListener('click', action.run);
      n.append(' ', b);
    }
    insert(n);
    scrollDown();
    return n;
  }

  // --- sending -----------------------------------------------------------------------------------

  function enqueue(item) {
    if (state.expired) return;
    item.id = uuid();
    const msg = el('div', 'msg owner pending');
    const bubble = el('div', 'bubble');
    if (item.kind === 'photo') bubble.append(photoImage(item));
    else bubble.textContent = item.kind === 'button' ? item.label : item.text;
    const meta = el('div', 'meta', T.sending);
    msg.append(bubble, meta);
    item.node = msg;
    item.meta = meta;
    log.append(msg);
    disableChoices();
    scrollDown();
    state.queue.push(item);
    pump();
  }

  class SendError extends Error {
    constructor(message, { retryable = false, status = 0, code = '' } = {}) {
      super(message);
      this.retryable = retryable;
      this.status = status;
      this.code = code;
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function postOnce(item) {
    let url, body;
    const headers = { Accept: 'application/json' };
    if (item.kind === 'photo') {
      url = '/chat/api/photos';
      body = new FormData();
      body.append('id', item.id);
      body.append('after', String(state.lastId));
      body.append('photo', item.file, item.file.name || 'photo');
    } else {
      url = '/chat/api/messages';
      headers['Content-Type'] = 'application/json';
      const msg = { id: item.id, after: state.lastId };
      if (item.kind === 'button') msg.button = item.data;
      else msg.text = item.text;
      body = JSON.stringify(msg);
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), item.kind === 'photo' ? 120000 : 30000);
    let res;
    try {
      res = await fetch(url, { method: 'POST', headers, body, credentials: 'same-origin', signal: abort.signal });
    } catch (e) {
      throw new SendError(String(e), { retryable: true });
    } finally {
      clearTimeout(timer);
    }
    let json = null;
    try { json = await res.json(); } catch (_) { /* not JSON: a proxy's error page */ }
    if (res.ok && json) return json;
    const err = (json && json.error) || {};
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408 || !json;
    throw new SendError(err.message || `HTTP ${res.status}`, { retryable, status: res.status, code: err.code || '' });
  }

  async function post(item) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await postOnce(item);
      } catch (e) {
        if (!e.retryable || attempt >= RETRY_DELAYS.length) throw e;
        item.meta.textContent = T.retrying;
        await sleep(RETRY_DELAYS[attempt]);
      }
    }
  }

  async function pump() {
    if (state.sending || state.halted || state.expired || !state.queue.length) return;
    const item = state.queue[0];
    state.sending = true;
    item.node.classList.remove('failed');
    item.meta.textContent = T.sending;
    try {
      const res = await post(item);
      state.queue.shift();
      item.node.remove();
      addLines(res.lines, item);
    } catch (e) {
      if (e.status === 401) {
        expire();
      } else if (e.retryable) {
        state.halted = true; // keep the order: later sends wait for this one
        item.node.classList.add('failed');
        item.meta.textContent = T.failed;
        const retry = el('button', '', T.retry);
        retry.type = 'button';
        retry.addEventListener('click', () => {
          state.halted = false;
          pump();
          input.focus();
        });
        item.meta.append(retry);
      } else {
        // The server refused it for what it is: sending it again cannot help.
        // It stays where it is, no longer pending, with the reason.
        state.queue.shift();
        const why = e.status === 413 ? (item.kind === 'photo' ? T.tooBig : T.tooLong)
          : e.code === 'invalid' && item.kind === 'photo' ? T.notImage : T.rejected + e.message;
        if (item.kind === 'photo') {
          log.insertBefore(el('p', 'note error', why), item.node); // no broken picture
          item.node.remove();
        } else {
          item.node.classList.remove('pending');
          item.node.classList.add('failed');
          item.meta.textContent = `${T.failed} · ${why}`;
        }
      }
    } finally {
      state.sending = false;
    }
    if (!state.halted && state.queue.length) pump();
    else poll();
  }

  function expire() {
    if (state.expired) return;
    state.expired = true;
    note(T.expired, true, { label: T.reload, run: () => location.reload() });
  }

  // --- polling -----------------------------------------------------------------------------------

  async function poll() {
    if (state.polling || state.expired) return;
    state.polling = true;
    try {
      const res = await fetch(`/chat/api/messages?after=${state.lastId}`, {
        headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store',
      });
      if (res.status === 401) expire();
      else if (res.ok && !state.sending) {
        // While a send is in flight its answer brings these lines, and the
        // owner's own line with it: showing them now would show it twice.
        const json = await res.json();
        addLines(json.lines);
      }
    } catch (_) {
      /* offline for a moment: the next poll tries again */
    } finally {
      state.polling = false;
    }
  }

  function schedulePolls() {
    setTimeout(async () => {
      if (document.visibilityState === 'visible') await poll();
      schedulePolls();
    }, POLL_EVERY);
  }

  // --- input -------------------------------------------------------------------------------------

  function resize() {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight + 2, 136)}px`;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value;
    if (!text.trim()) {
      input.focus();
      return;
    }
    enqueue({ kind: 'text', text });
    input.value = '';
    resize();
    input.focus();
  });

  input.addEventListener('keydown', (ev) => {
    // Chinese input methods confirm a candidate with Enter: that is not a send.
    if (ev.key !== 'Enter' || ev.shiftKey || ev.isComposing || ev.keyCode === 229) return;
    ev.preventDefault();
    form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
  });
  input.addEventListener('input', resize);

  photoButton.addEventListener('click', () => photoInput.click());
  photoInput.addEventListener('change', () => {
    const file = photoInput.files && photoInput.files[0];
    photoInput.value = '';
    if (!file) return;
    if (file.type && !file.type.startsWith('image/')) {
      note(T.notImage, true);
      return;
    }
    if (file.size > MAX_PHOTO) {
      note(T.tooBig, true);
      return;
    }
    enqueue({ kind: 'photo', file, url: URL.createObjectURL(file) });
  });

  // Keep the newest message in view when the screen changes size, as when
  // a phone's keyboard opens, unless the owner scrolled up to read.
  let stuck = true;
  log.addEventListener('scroll', () => { stuck = nearBottom(); }, { passive: true });
  const keepDown = () => { if (stuck) scrollDown(); };
  window.addEventListener('resize', keepDown);
  if (window.visualViewport) visualViewport.addEventListener('resize', keepDown);

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') poll();
  });

  localize();
  poll();
  schedulePolls();
})();
