// Perch agent desktop: a plain ES module, no build step. Talks to the gateway's REST API (/api) and
// its WebSocket (/ws). The gateway is the authority on everything; this page only shows and asks.
// @ts-check

const MAX_WEIGHTED = 280;
const TOKEN_KEY = 'perch.token';
/** The gateway closes the socket with this code when the token is missing, bad, expired or revoked. */
const WS_CLOSE_UNAUTHENTICATED = 4401;

/**
 * @typedef {{ id: string, displayName: string, capacity: number, skills: string[] }} Agent
 * @typedef {{ kind: string, entryId: string, at: number, text: string, [key: string]: any }} Entry
 * @typedef {{ sentiment?: string, actionability?: string, agentId: string, at: number, correctionId: string }} Correction
 * @typedef {{ id: string, state: string, agentId: string | null, firstMessage: any, classification: any, classificationCorrection?: Correction | null, transcript: Entry[], [key: string]: any }} View
 * @typedef {{ state: 'ready' | 'not-ready' | 'wrap-up' | 'offline', reason?: string, since: string | null, wrapUpEndsAt?: string }} Presence
 */

const state = {
  /** @type {string | null} */ token: sessionStorage.getItem(TOKEN_KEY),
  /** @type {Agent | null} */ agent: null,
  /**
   * The agent's state as the router holds it (GET /api/agents/me/presence, then the socket's `presence` pushes):
   * never the page's own guess. @type {Presence}
   */
  presence: offlinePresence(),
  /** The not-ready reasons the agent may choose (from the gateway's configuration). @type {string[]} */
  reasons: [],
  /** The gateway's clock minus ours (ms), for the wrap-up countdown. */
  clockSkew: 0,
  /** A presence change asked for and not yet confirmed by the router. */
  presencePending: false,
  /** @type {WebSocket | null} */ socket: null,
  reconnectDelay: 500,
  /** @type {Map<string, any>} */ offers: new Map(),
  /** @type {Map<string, View>} */ interactions: new Map(),
  /** @type {string | null} */ currentId: null,
  /** Customer profiles as the brand sees them, by interaction id. @type {Map<string, any>} */ profiles: new Map(),
  /** 'reply' or 'dm'. */ channel: 'reply',
  /** @type {{ id: string, username: string }[]} */ brands: [],
};

const MAX_DM = 10_000;

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} testId @param {ParentNode} [root] */
const $ = (testId, root = document) => /** @type {HTMLElement} */ (root.querySelector(`[data-testid="${testId}"]`));

// ---- REST -------------------------------------------------------------------------------------

class ApiError extends Error {
  /** @param {number} status @param {any} body */
  constructor(status, body) {
    super((body && body.message) || `Request failed (${status})`);
    this.status = status;
    this.body = body;
  }
}

/** @param {string} method @param {string} path @param {unknown} [body] */
async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (response.status === 401 && state.agent) signOut('Your session ended; sign in again.');
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// ---- Sign-in and session ----------------------------------------------------------------------

byId('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('signin-error');
  error.hidden = true;
  const username = /** @type {HTMLInputElement} */ ($('signin-username')).value.trim();
  const password = /** @type {HTMLInputElement} */ ($('signin-password')).value;
  try {
    const result = await api('POST', '/api/auth/sign-in', { username, password });
    // The password has done its job: it must not wait in the page for whoever sits down after a sign-out.
    /** @type {HTMLInputElement} */ ($('signin-password')).value = '';
    state.token = result.token;
    sessionStorage.setItem(TOKEN_KEY, result.token);
    await startSession(result.agent);
  } catch (e) {
    error.textContent = e instanceof ApiError && e.status === 400 ? 'Enter your username and password.' : e instanceof Error ? e.message : String(e);
    error.hidden = false;
  }
});

$('sign-out').addEventListener('click', () => {
  const token = state.token;
  // Forget the session here first, so the server's close of our socket (4401) is not mistaken for an expiry.
  signOut();
  // Revoke the token on the gateway too: a copy of it (another tab, a stolen one) stops working now.
  if (token) {
    fetch('/api/auth/sign-out', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
  }
});

/** @param {Agent} agent */
async function startSession(agent) {
  state.agent = agent;
  $('agent-name').textContent = agent.displayName;
  byId('signin-view').hidden = true;
  byId('session').hidden = false;
  byId('workspace').hidden = false;
  connect();
  try {
    await resync();
  } catch (e) {
    // 401 has already signed out; anything else (503 while Redis restarts) is retried on the socket's next hello.
    if (state.agent) notice(`Could not read your state: ${e instanceof Error ? e.message : e}`, 'failed');
  }
}

/**
 * What the router and the gateway hold now: the agent's presence, the offers waiting for an answer and the open
 * interactions. On sign-in, on reload and after every reconnect (the socket's hello): whatever was pushed while the
 * page was away or reloading is read again, never guessed.
 */
async function resync() {
  // Only toasts shown before the reads may be dropped: an offer pushed while they were on their way is newer.
  const shownBefore = new Set(state.offers.keys());
  const openBefore = new Set(state.interactions.keys());
  // Colleagues' names for transfer toasts and consultation notices, which can arrive before any interaction is open.
  loadRoster().catch((e) => console.warn('could not read the roster', e));
  const [presence, offers, mine] = await Promise.all([
    api('GET', '/api/agents/me/presence'),
    api('GET', '/api/agents/me/offers'),
    api('GET', '/api/interactions'),
  ]);
  if (!state.agent) return;
  state.clockSkew = Date.parse(presence.at) - Date.now();
  state.reasons = presence.reasons;
  renderReasons();
  applyPresence(presence);
  const pending = new Set(offers.map((/** @type {any} */ offer) => offer.interactionId));
  for (const interactionId of shownBefore) if (!pending.has(interactionId)) removeToast(interactionId);
  // A toast already shown for the same offer stays as it is (the agent may have just clicked it).
  for (const offer of offers) if (state.offers.get(offer.interactionId)?.offerId !== offer.offerId) renderToast(offer);
  const fresh = new Set(mine.map((/** @type {View} */ v) => v.id));
  for (const id of openBefore) if (!fresh.has(id)) state.interactions.delete(id);
  for (const view of mine) state.interactions.set(view.id, view);
  if (state.currentId && !state.interactions.has(state.currentId)) state.currentId = null;
  renderList();
  renderInteraction();
  const first = mine.find((/** @type {View} */ v) => v.state === 'active');
  if (first && !state.currentId) open(first.id);
}

/** @param {string} [message] */
function signOut(message) {
  const socket = state.socket;
  state.socket = null;
  socket?.close();
  sessionStorage.removeItem(TOKEN_KEY);
  Object.assign(state, { token: null, agent: null, presence: offlinePresence(), presencePending: false, currentId: null });
  state.offers.clear();
  state.interactions.clear();
  $('toasts').replaceChildren();
  /** @type {HTMLInputElement} */ ($('signin-password')).value = '';
  byId('workspace').hidden = true;
  byId('session').hidden = true;
  byId('signin-view').hidden = false;
  renderPresence();
  if (message) {
    const error = $('signin-error');
    error.textContent = message;
    error.hidden = false;
  }
}

// ---- Presence ---------------------------------------------------------------------------------

/** @returns {Presence} */
function offlinePresence() {
  return { state: 'offline', since: null };
}

const REASON_LABELS = { break: 'Break', meeting: 'Meeting', training: 'Training', 'missed-offer': 'Missed offer' };
/** @param {string} code */
const reasonLabel = (code) => REASON_LABELS[/** @type {keyof typeof REASON_LABELS} */ (code)] ?? code.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());

// Ready toggles between ready and not ready (with the reason chosen below); in wrap-up or offline it means ready.
$('presence-toggle').addEventListener('click', () => {
  const reason = /** @type {HTMLSelectElement} */ ($('presence-reason')).value || state.reasons[0];
  void askPresence(state.presence.state === 'ready' ? { state: 'not-ready', reason } : { state: 'ready' });
});

$('presence-reason').addEventListener('change', (event) => {
  const reason = /** @type {HTMLSelectElement} */ (event.target).value;
  if (reason) void askPresence({ state: 'not-ready', reason });
});

/**
 * Asks the gateway; the router's answer arrives on the socket as `presence` and only that changes what is shown.
 * @param {{ state: string, reason?: string }} body
 */
async function askPresence(body) {
  state.presencePending = true;
  renderPresence();
  try {
    await api('PUT', '/api/agents/me/presence', body);
    // Should the push not come (the socket down), the next resync shows the router's state anyway.
    setTimeout(() => {
      state.presencePending = false;
      renderPresence();
    }, 5_000);
  } catch (e) {
    state.presencePending = false;
    renderPresence();
    notice(`Could not change your status: ${e instanceof Error ? e.message : e}`, 'failed');
  }
}

/**
 * The router's state, from a GET or a push. An answer older than what is shown (a GET sent before a push that
 * arrived first) is ignored.
 * @param {Presence} next
 */
function applyPresence(next) {
  const shown = state.presence.since === null ? -Infinity : Date.parse(state.presence.since);
  if (next.since !== null && Date.parse(next.since) < shown) return;
  state.presence = {
    state: next.state,
    since: next.since,
    ...(next.reason === undefined ? {} : { reason: next.reason }),
    ...(next.wrapUpEndsAt === undefined ? {} : { wrapUpEndsAt: next.wrapUpEndsAt }),
  };
  state.presencePending = false;
  renderPresence();
}

function renderReasons() {
  const select = /** @type {HTMLSelectElement} */ ($('presence-reason'));
  select.replaceChildren(
    el('option', { value: '', disabled: '', selected: '' }, ['Not ready…']),
    ...state.reasons.map((code) => el('option', { value: code }, [reasonLabel(code)])),
  );
}

/** @param {Presence} presence */
function presenceLabel(presence) {
  switch (presence.state) {
    case 'ready':
      return 'Ready';
    case 'not-ready':
      return presence.reason ? `Not ready (${reasonLabel(presence.reason).toLowerCase()})` : 'Not ready';
    case 'wrap-up':
      return 'Wrap-up';
    default:
      return 'Offline';
  }
}

/** @type {ReturnType<typeof setInterval> | null} */
let wrapUpTimer = null;

function renderPresence() {
  const presence = state.presence;
  const ready = presence.state === 'ready';
  const button = /** @type {HTMLButtonElement} */ ($('presence-toggle'));
  button.setAttribute('aria-pressed', String(ready));
  button.disabled = state.presencePending;
  button.title = ready ? 'You receive offers. Click to stop (not ready).' : 'Click to start receiving offers.';
  const status = $('presence-status');
  status.dataset['state'] = presence.state;
  status.dataset['reason'] = presence.reason ?? '';
  $('presence-label').textContent = presenceLabel(presence);
  const select = /** @type {HTMLSelectElement} */ ($('presence-reason'));
  select.disabled = state.presencePending;
  select.value = presence.state === 'not-ready' && presence.reason && state.reasons.includes(presence.reason) ? presence.reason : '';
  if (wrapUpTimer !== null) clearInterval(wrapUpTimer);
  wrapUpTimer = null;
  renderWrapUpCountdown();
  if (presence.state === 'wrap-up' && presence.wrapUpEndsAt) wrapUpTimer = setInterval(renderWrapUpCountdown, 250);
}

/** Wrap-up's time left, on the gateway's clock; at 0 the router's sweeper sets the agent ready and says so. */
function renderWrapUpCountdown() {
  const countdown = $('presence-countdown');
  const ends = state.presence.state === 'wrap-up' && state.presence.wrapUpEndsAt ? Date.parse(state.presence.wrapUpEndsAt) : null;
  countdown.hidden = ends === null;
  if (ends === null) return;
  const left = Math.max(0, Math.round((ends - (Date.now() + state.clockSkew)) / 1000));
  countdown.textContent = `${left} s`;
}

// ---- WebSocket --------------------------------------------------------------------------------

function connect() {
  if (!state.token) return;
  setConnection('connecting', 'Connecting…');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  // The token goes in the first message, never in the URL (access logs keep URLs).
  const socket = new WebSocket(`${scheme}://${location.host}/ws`);
  const token = state.token;
  state.socket = socket;
  socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
  socket.addEventListener('message', (event) => onPush(JSON.parse(String(event.data))));
  socket.addEventListener('close', (event) => {
    if (state.socket !== socket) return; // signed out or replaced
    // 4401: the token expired, was signed out elsewhere or revoked; reconnecting would not help.
    if (event.code === WS_CLOSE_UNAUTHENTICATED) {
      signOut('Your session ended; sign in again.');
      return;
    }
    setConnection('offline', 'Reconnecting…');
    // Back off up to 10 s; a gateway restart or a network blip should not hammer the server.
    setTimeout(connect, state.reconnectDelay);
    state.reconnectDelay = Math.min(10_000, state.reconnectDelay * 2);
  });
}

/** @param {string} value @param {string} label */
function setConnection(value, label) {
  const el = $('connection-status');
  el.dataset['state'] = value;
  el.textContent = label;
}

/** @param {any} message */
function onPush(message) {
  switch (message.type) {
    case 'hello':
      state.reconnectDelay = 500;
      setConnection('online', 'Connected');
      // A reconnect: what happened while the socket was down is read again.
      resync().catch((e) => console.warn('could not read the router’s state again', e));
      break;
    case 'presence':
      applyPresence(message);
      break;
    case 'offer':
      state.offers.set(message.interactionId, message);
      renderToast(message);
      break;
    case 'offer-rescinded':
    case 'offer-timed-out':
      removeToast(message.interactionId);
      break;
    case 'interaction-accepted':
      removeToast(message.interaction.id);
      state.interactions.set(message.interaction.id, message.interaction);
      renderList();
      open(message.interaction.id);
      break;
    case 'message-added':
      upsertEntry(message.interactionId, message.entry);
      break;
    case 'classification-corrected':
      onCorrected(message.interactionId, message.correction);
      break;
    case 'action-sent':
    case 'action-failed':
    case 'action-waiting':
      onActionOutcome(message);
      break;
    case 'completed':
      complete(message.interactionId);
      break;
    case 'consultation-added':
      if (state.interactions.has(message.interactionId)) upsertEntry(message.interactionId, message.entry);
      // Consulted about someone else's interaction: the question comes as a notice (answer from the API).
      else notice(`${rosterName(message.entry.fromAgentId)} asks: ${message.entry.text}`, 'pending');
      break;
    case 'transfer-update': {
      // A transfer to a named agent: still ours while offered, and again once declined or timed out.
      const button = /** @type {HTMLButtonElement} */ ($('transfer-button'));
      if (message.status !== 'offered' && message.interactionId === state.currentId) {
        button.disabled = false;
        button.textContent = 'Transfer';
      }
      const outcome = message.status === 'offered' ? 'waiting for an answer' : message.status === 'declined' ? 'declined: it stays with you' : 'not answered in time: it stays with you';
      notice(`Transfer to ${message.toAgentId} ${outcome}`, message.status === 'offered' ? 'pending' : 'failed');
      break;
    }
    case 'transferred':
      // Handed back to the queue by this agent: it leaves this desktop like a completed one (someone else gets the offer).
      complete(message.interactionId);
      break;
    case 'error':
      console.warn('gateway error', message);
      break;
    default:
      break;
  }
}

// ---- Offer toasts -----------------------------------------------------------------------------

/** @param {any} offer */
function renderToast(offer) {
  removeToast(offer.interactionId);
  // After removeToast, which forgets it: the offers shown are the ones in this map.
  state.offers.set(offer.interactionId, offer);
  const transfer = offer.transfer;
  const toast = el('section', { class: 'toast', 'data-testid': 'offer-toast', 'data-interaction-id': offer.interactionId, 'data-transfer': transfer ? 'true' : 'false', 'data-received-at': String(offer.receivedAt), 'aria-label': `Offer from @${offer.author.username}` }, [
    el('div', { class: 'toast-head' }, [
      el('div', { class: 'avatar', 'aria-hidden': 'true' }, [initials(offer.author.name || offer.author.username)]),
      el('div', {}, [
        el('div', { class: 'toast-title' }, [transfer ? `Transfer from ${rosterName(transfer.fromAgentId)}` : 'New interaction']),
        el('div', { class: 'toast-who', 'data-testid': 'offer-author' }, [`${offer.author.name} `, el('span', { class: 'muted' }, [`@${offer.author.username}`])]),
      ]),
    ]),
    ...(transfer ? [el('p', { class: 'toast-transfer', 'data-testid': 'offer-transfer-reason' }, [`Reason: ${transfer.reason}`])] : []),
    el('p', { class: 'toast-snippet', 'data-testid': 'offer-snippet' }, [offer.snippet]),
    el('div', { class: 'toast-badges' }, [sentimentBadge(offer.sentiment, 'offer-sentiment'), actionabilityBadge(offer.actionability, 'offer-actionability')]),
    el('div', { class: 'progress', 'aria-hidden': 'true' }, [el('span', {}, [])]),
    el('div', { class: 'toast-foot' }, [
      el('span', { class: 'countdown', 'data-testid': 'offer-countdown' }, ['']),
      el('button', { type: 'button', class: 'secondary', 'data-testid': 'offer-decline' }, ['Decline']),
      el('button', { type: 'button', class: 'primary', 'data-testid': 'offer-accept' }, ['Accept']),
    ]),
  ]);
  const total = Math.max(1, Date.parse(offer.expiresAt) - Date.now());
  /** @type {HTMLButtonElement} */ (toast.querySelector('[data-testid="offer-accept"]')).addEventListener('click', () => decide(offer, 'accept', toast));
  /** @type {HTMLButtonElement} */ (toast.querySelector('[data-testid="offer-decline"]')).addEventListener('click', () => decide(offer, 'decline', toast));
  const tick = () => {
    if (!toast.isConnected) return;
    const left = Date.parse(offer.expiresAt) - Date.now();
    if (left <= 0) {
      removeToast(offer.interactionId);
      return;
    }
    /** @type {HTMLElement} */ (toast.querySelector('.countdown')).textContent = `Expires in ${Math.ceil(left / 1000)} s`;
    /** @type {HTMLElement} */ (toast.querySelector('.progress span')).style.width = `${Math.max(0, (left / total) * 100)}%`;
    setTimeout(tick, 250);
  };
  $('toasts').append(toast);
  tick();
}

/** @param {string} interactionId */
function removeToast(interactionId) {
  state.offers.delete(interactionId);
  document.querySelector(`[data-testid="offer-toast"][data-interaction-id="${CSS.escape(interactionId)}"]`)?.remove();
}

/** @param {any} offer @param {'accept' | 'decline'} action @param {HTMLElement} toast */
async function decide(offer, action, toast) {
  for (const button of toast.querySelectorAll('button')) button.disabled = true;
  try {
    await api('POST', `/api/interactions/${offer.interactionId}/${action}`, { offerId: offer.offerId });
    // Accepting: the interaction opens when the router confirms (interaction-accepted on the socket).
    if (action === 'decline') removeToast(offer.interactionId);
    else /** @type {HTMLElement} */ (toast.querySelector('.countdown')).textContent = 'Opening…';
  } catch (e) {
    /** @type {HTMLElement} */ (toast.querySelector('.countdown')).textContent = e instanceof Error ? e.message : String(e);
    for (const button of toast.querySelectorAll('button')) button.disabled = false;
  }
}

// ---- Interaction list and view ----------------------------------------------------------------

function renderList() {
  const list = $('interaction-list');
  const views = [...state.interactions.values()].filter((v) => v.state !== 'completed');
  list.replaceChildren(
    ...views.map((view) => {
      const first = view.firstMessage;
      const button = el('button', { type: 'button', 'data-testid': 'interaction-list-item', 'data-interaction-id': view.id }, [
        el('span', { class: 'who' }, [first ? `@${first.author.username}` : 'Interaction']),
        el('span', { class: 'what' }, [first ? first.text : view.state]),
      ]);
      if (view.id === state.currentId) button.setAttribute('aria-current', 'true');
      button.addEventListener('click', () => open(view.id));
      return el('li', {}, [button]);
    }),
  );
  $('interaction-list-empty').hidden = views.length > 0;
}

/** @param {string} id */
function open(id) {
  if (state.currentId !== id) closeCorrection(false);
  state.currentId = id;
  const view = state.interactions.get(id);
  // A DM conversation is answered by DM unless the agent switches.
  state.channel = latestCustomerKind(view) === 'dm' ? 'dm' : 'reply';
  loadProfile(id, false);
  renderList();
  renderInteraction();
  /** @type {HTMLTextAreaElement} */ ($('reply-text')).focus();
}

function current() {
  return state.currentId ? state.interactions.get(state.currentId) ?? null : null;
}

function renderInteraction() {
  const view = current();
  byId('empty-state').hidden = view !== null;
  byId('interaction').hidden = view === null;
  if (!view) return;
  const message = view.firstMessage;
  const author = message?.author;
  $('interaction-title').textContent = author ? `${author.name} · @${author.username}` : 'Interaction';
  const badge = $('interaction-state');
  badge.textContent = view.state === 'active' ? 'In progress' : view.state;
  badge.dataset['state'] = view.state;
  if (author) {
    $('author-avatar').textContent = initials(author.name || author.username);
    $('tweet-author-name').textContent = author.name;
    const link = /** @type {HTMLAnchorElement} */ ($('author-profile-link'));
    link.href = author.profileUrl;
    link.textContent = `@${author.username}`;
    link.setAttribute('aria-label', `@${author.username}'s profile on X (opens in a new tab)`);
    $('author-tweets').textContent = compact(author.tweetCount);
    $('author-tweets').title = author.tweetCount.toLocaleString();
    $('author-followers').textContent = compact(author.followersCount);
    $('author-followers').title = author.followersCount.toLocaleString();
  }
  $('tweet-text').replaceChildren(...linkify(message?.text ?? ''));
  $('tweet-meta').textContent = message ? `${kindLabel(message.kind)} · ${new Date(message.createdAt).toLocaleString()}` : '';
  renderClassification();
  renderTranscript();
  renderComposer();
  const completed = view.state === 'completed';
  for (const control of /** @type {NodeListOf<HTMLButtonElement | HTMLTextAreaElement | HTMLSelectElement>} */ (document.querySelectorAll('#reply-form textarea, #reply-form button, #done-form select, #done-form button, #transfer-form input, #transfer-form select, #transfer-form button, #consult-form input, #consult-form select, #consult-form button'))) {
    control.disabled = completed;
  }
  $('transfer-button').textContent = 'Transfer';
  // A previous interaction's "Closing…" must not stay on the next one's button.
  $('done-button').textContent = 'Mark done';
  if (!completed) loadRoster().catch((e) => console.warn('could not read the roster', e));
  renderRelation();
}

/** The model's labels, or an agent's where one corrected them (marked, with the model's in the tooltip). */
function renderClassification() {
  const view = current();
  if (!view) return;
  const c = view.classification;
  const fix = view.classificationCorrection ?? null;
  const modelSentiment = c?.sentiment ?? 'undeclared';
  const modelActionability = c?.actionability ?? 'undeclared';
  $('classification-sentiment').replaceWith(
    sentimentBadge(fix?.sentiment ?? modelSentiment, 'classification-sentiment', fix?.sentiment ? modelSentiment : undefined),
  );
  $('classification-actionability').replaceWith(
    actionabilityBadge(fix?.actionability ?? modelActionability, 'classification-actionability', fix?.actionability ? modelActionability : undefined),
  );
  // The features explain the model's decision, so they stay whatever the agent corrected.
  const why = [...(c?.sentimentFeatures ?? []), ...(c?.actionabilityFeatures ?? [])];
  $('classification-why').textContent = why.length ? `Why: ${why.join(', ')}` : '';
  /** @type {HTMLButtonElement} */ ($('classification-correct-open')).disabled = !c;
}

/** The labels the badges show now: the agent's correction where there is one, else the model's. @param {View} view */
function shownLabels(view) {
  const fix = view.classificationCorrection ?? null;
  return {
    sentiment: fix?.sentiment ?? view.classification?.sentiment ?? 'undeclared',
    actionability: fix?.actionability ?? view.classification?.actionability ?? 'undeclared',
  };
}

/** @param {string} interactionId @param {Correction} correction */
function onCorrected(interactionId, correction) {
  const view = state.interactions.get(interactionId);
  if (!view) return;
  view.classificationCorrection = correction;
  if (interactionId === state.currentId) renderClassification();
}

const correctionForm = /** @type {HTMLFormElement} */ (byId('correction-form'));
const correctionSentiment = /** @type {HTMLSelectElement} */ ($('correction-sentiment'));
const correctionActionability = /** @type {HTMLSelectElement} */ ($('correction-actionability'));
const correctionNote = /** @type {HTMLInputElement} */ ($('correction-note'));

$('classification-correct-open').addEventListener('click', () => {
  if (!correctionForm.hidden) {
    closeCorrection(true);
    return;
  }
  const view = current();
  if (!view) return;
  const shown = shownLabels(view);
  // 'undeclared' is not offered: the empty choice asks the agent to pick a real label.
  correctionSentiment.value = shown.sentiment === 'undeclared' ? '' : shown.sentiment;
  correctionActionability.value = shown.actionability === 'undeclared' ? '' : shown.actionability;
  correctionNote.value = '';
  $('correction-error').hidden = true;
  correctionForm.hidden = false;
  $('classification-correct-open').setAttribute('aria-expanded', 'true');
  correctionSentiment.focus();
});

$('correction-cancel').addEventListener('click', () => closeCorrection(true));
// A new choice answers the previous complaint.
correctionForm.addEventListener('change', () => {
  $('correction-error').hidden = true;
});
correctionForm.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') closeCorrection(true);
});

/** @param {boolean} refocus */
function closeCorrection(refocus) {
  correctionForm.hidden = true;
  const opener = $('classification-correct-open');
  opener.setAttribute('aria-expanded', 'false');
  if (refocus) opener.focus();
}

correctionForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const view = current();
  if (!view) return;
  const error = $('correction-error');
  const shown = shownLabels(view);
  /** @type {{ sentiment?: string, actionability?: string, note?: string }} */
  const body = {};
  // Only what the agent changed is sent: an unchanged label is not a correction.
  if (correctionSentiment.value && correctionSentiment.value !== shown.sentiment) body.sentiment = correctionSentiment.value;
  if (correctionActionability.value && correctionActionability.value !== shown.actionability) body.actionability = correctionActionability.value;
  if (body.sentiment === undefined && body.actionability === undefined) {
    error.textContent = 'Pick a sentiment or an actionability different from the one shown.';
    error.hidden = false;
    return;
  }
  if (correctionNote.value.trim()) body.note = correctionNote.value.trim();
  const save = /** @type {HTMLButtonElement} */ ($('correction-save'));
  save.disabled = true;
  try {
    const accepted = await api('PUT', `/api/interactions/${view.id}/classification`, body);
    // Shown at once; the socket's classification-corrected (the server's merged view) confirms it.
    if (view.classificationCorrection?.correctionId !== accepted.correctionId) {
      const { note: _note, ...labels } = body;
      onCorrected(view.id, { ...(view.classificationCorrection ?? {}), ...labels, agentId: state.agent?.id ?? '', at: Date.now(), correctionId: accepted.correctionId });
    }
    closeCorrection(true);
  } catch (e) {
    error.textContent = e instanceof Error ? e.message : String(e);
    error.hidden = false;
  } finally {
    save.disabled = false;
  }
});

function renderTranscript() {
  const view = current();
  if (!view) return;
  const list = $('transcript');
  list.replaceChildren(...view.transcript.map(renderEntry));
  list.scrollTop = list.scrollHeight;
}

/** @param {Entry} entry */
function renderEntry(entry) {
  if (entry.kind === 'consultation') {
    // Internal: between agents only, never sent to X.
    const who = entry.fromAgentId === state.agent?.id ? 'You' : rosterName(entry.fromAgentId);
    const to = entry.withAgentId === state.agent?.id ? 'you' : rosterName(entry.withAgentId);
    return el('li', { class: 'entry internal', 'data-testid': 'transcript-entry', 'data-kind': entry.kind, 'data-entry-id': entry.entryId }, [
      el('div', { class: 'entry-head' }, [el('strong', {}, [who]), el('span', {}, [`${entry.voice ? 'asked for a call with' : 'consulted'} ${to} · internal`]), el('span', { 'aria-hidden': 'true' }, ['·']), el('time', {}, [time(entry.at)])]),
      el('div', { class: 'entry-text' }, [entry.text]),
    ]);
  }
  if (entry.kind === 'customer-message') {
    return el('li', { class: 'entry', 'data-testid': 'transcript-entry', 'data-kind': entry.kind, 'data-entry-id': entry.entryId }, [
      el('div', { class: 'entry-head' }, [el('strong', {}, [entry.authorName || entry.authorUsername]), el('span', {}, [`@${entry.authorUsername}`]), el('span', { 'aria-hidden': 'true' }, ['·']), el('time', { datetime: entry.createdAt }, [time(entry.createdAt)])]),
      el('div', { class: 'entry-text' }, linkify(entry.text)),
    ]);
  }
  const status = el('div', { class: 'entry-status', 'data-testid': 'entry-status' }, actionStatus(entry));
  const body = entry.text ? [el('div', { class: 'entry-text' }, linkify(entry.text))] : [];
  return el(
    'li',
    {
      class: 'entry',
      'data-testid': 'transcript-entry',
      'data-kind': entry.kind,
      'data-action': entry.action ?? 'reply',
      'data-entry-id': entry.entryId,
      'data-status': entry.status,
      'data-tweet-id': entry.tweetId ?? '',
    },
    [el('div', { class: 'entry-head' }, [el('strong', {}, [entry.agentId === state.agent?.id ? 'You' : entry.agentId]), el('span', {}, [ACTION_LABELS[entry.action ?? 'reply'] ?? entry.action]), el('span', { 'aria-hidden': 'true' }, ['·']), el('time', {}, [time(entry.at)])]), ...body, status],
  );
}

const ACTION_LABELS = { reply: 'public reply', dm: 'direct message', post: 'new post', follow: 'follow', unfollow: 'unfollow' };

/** What X did with an agent's action, in words. @param {Entry} entry @returns {(Node | string)[]} */
function actionStatus(entry) {
  if (entry.status === 'pending') return ['Sending…'];
  if (entry.status === 'waiting') {
    const why = entry.failure?.code === 'x-rate-limited' ? "X's rate limit for this account is spent" : 'X is not answering';
    return [`Waiting: ${why}; trying again at ${new Date(entry.retryAt ?? Date.now()).toLocaleTimeString()}`];
  }
  if (entry.status === 'failed') return [`Not done: ${entry.failure?.detail ?? 'X refused it'}`];
  switch (entry.action ?? 'reply') {
    case 'dm':
      return ['Delivered as a direct message'];
    case 'follow':
      return [entry.pendingFollow ? 'Follow requested (their account is protected)' : 'The brand now follows them'];
    case 'unfollow':
      return ['The brand no longer follows them'];
    default:
      return ['Posted on X · ', el('a', { href: `https://x.com/i/web/status/${entry.tweetId}`, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'entry-tweet-id' }, [`tweet ${entry.tweetId}`])];
  }
}

/** X's answer to an action; a post made outside any interaction is announced on its own. @param {any} message */
function onActionOutcome(message) {
  const entry = message.entry;
  if (!message.interactionId) {
    postNotices.get(entry.commandId)?.remove();
    postNotices.delete(entry.commandId);
  }
  if (message.interactionId) upsertEntry(message.interactionId, entry);
  else if (entry.status === 'waiting') notice(`Post waiting for X: trying again at ${new Date(entry.retryAt ?? Date.now()).toLocaleTimeString()}`, 'pending');
  else notice(entry.status === 'sent' ? `Posted on X (tweet ${entry.tweetId})` : `Post not published: ${entry.failure?.detail ?? 'X refused it'}`, entry.status);
  if ((entry.action === 'follow' || entry.action === 'unfollow') && entry.status !== 'waiting' && message.interactionId) loadProfile(message.interactionId, true);
}

/** @param {string} text @param {string} kind @returns {HTMLElement} */
function notice(text, kind) {
  const node = el('div', { class: 'notice', 'data-testid': 'notice', 'data-kind': kind }, [text]);
  $('notices').append(node);
  setTimeout(() => node.remove(), 6000);
  return node;
}

/** "Posting…" notices by command id: X's answer replaces them. @type {Map<string, HTMLElement>} */
const postNotices = new Map();

/** @param {string} interactionId @param {Entry} entry */
function upsertEntry(interactionId, entry) {
  const view = state.interactions.get(interactionId);
  if (!view) return;
  const existing = view.transcript.find((e) => e.entryId === entry.entryId);
  // An entry never goes back (pending < waiting < sent or failed), as on the server.
  const rank = (/** @type {Entry} */ e) => (e.status === 'pending' ? -1 : e.status === 'waiting' ? 0 : 1);
  if (existing && existing.kind === 'agent-action' && rank(entry) < rank(existing)) return;
  const merged = existing ? { ...entry, at: existing.at } : entry;
  view.transcript = [...view.transcript.filter((e) => e.entryId !== entry.entryId), merged].sort((a, b) => a.at - b.at || (a.entryId < b.entryId ? -1 : 1));
  if (interactionId === state.currentId) renderTranscript();
}

/** @param {string} interactionId */
function complete(interactionId) {
  removeToast(interactionId);
  const view = state.interactions.get(interactionId);
  if (!view) return;
  view.state = 'completed';
  if (interactionId === state.currentId) {
    state.currentId = null;
    renderInteraction();
  }
  state.interactions.delete(interactionId);
  renderList();
}

// ---- Reply composer ---------------------------------------------------------------------------

const replyText = /** @type {HTMLTextAreaElement} */ ($('reply-text'));
replyText.addEventListener('input', renderComposer);
replyText.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) /** @type {HTMLFormElement} */ (byId('reply-form')).requestSubmit();
});

/** The username a reply answers: the author of the customer's latest tweet, as the server decides. */
function replyTarget() {
  const view = current();
  if (!view) return null;
  const customer = view.transcript.filter((e) => e.kind === 'customer-message' && e.messageKind !== 'dm');
  return customer.length ? customer[customer.length - 1].authorUsername : view.firstMessage?.author.username ?? null;
}

function renderComposer() {
  const dm = state.channel === 'dm';
  /** @type {HTMLInputElement} */ ($(dm ? 'channel-dm' : 'channel-reply')).checked = true;
  $('composer-label').textContent = dm ? 'Direct message' : 'Reply publicly';
  replyText.placeholder = dm ? 'Write your direct message…' : 'Write your reply…';
  /** @type {HTMLElement} */ ($('reply-all').parentElement).hidden = dm;
  $('reply-send').textContent = dm ? 'Send DM' : 'Send reply';
  const target = dm ? null : replyTarget();
  const typed = replyText.value;
  const mentioned = target !== null && new RegExp(`^\\s*[@＠]${target}(?![A-Za-z0-9_])`, 'i').test(typed);
  const mention = $('reply-mention');
  if (target === null) mention.textContent = '';
  else
    mention.replaceChildren(
      mentioned ? 'Your text starts with ' : 'Will start with ',
      el('span', { class: 'mention-chip', 'data-testid': 'reply-mention-chip' }, [`@${target}`]),
    );
  const full = (mentioned || target === null ? '' : `@${target} `) + typed.trim();
  const max = dm ? MAX_DM : MAX_WEIGHTED;
  const used = dm ? [...typed.trim()].length : weightedLength(full);
  const counter = $('reply-counter');
  counter.textContent = `${used} / ${max}`;
  counter.dataset['over'] = String(used > max);
  counter.setAttribute('aria-label', used > max ? `${used - max} characters too many` : `${max - used} characters left`);
  $('reply-error').hidden = true;
  renderRelation();
}

for (const radio of document.querySelectorAll('input[name="channel"]')) {
  radio.addEventListener('change', (event) => {
    state.channel = /** @type {HTMLInputElement} */ (event.target).value === 'dm' ? 'dm' : 'reply';
    renderComposer();
  });
}

/** @param {View | undefined | null} view */
function latestCustomerKind(view) {
  const customer = (view?.transcript ?? []).filter((e) => e.kind === 'customer-message');
  return customer.length ? customer[customer.length - 1].messageKind : view?.firstMessage?.kind;
}

// ---- Customer profile: follow relation and DM eligibility, from X through the gateway's cache ----

/** @param {string} interactionId @param {boolean} fresh */
async function loadProfile(interactionId, fresh) {
  try {
    const profile = await api('GET', `/api/interactions/${interactionId}/customer${fresh ? '?refresh=true' : ''}`);
    state.profiles.set(interactionId, profile);
  } catch (e) {
    state.profiles.set(interactionId, { error: e instanceof Error ? e.message : String(e) });
  }
  if (interactionId === state.currentId) renderRelation();
}

function renderRelation() {
  const view = current();
  if (!view) return;
  const profile = state.profiles.get(view.id);
  const text = $('customer-relation-text');
  const follow = /** @type {HTMLButtonElement} */ ($('follow-toggle'));
  const note = $('dm-eligibility');
  const dmRadio = /** @type {HTMLInputElement} */ ($('channel-dm'));
  const completed = view.state === 'completed';
  if (!profile) {
    text.textContent = 'Checking X…';
    follow.disabled = true;
    note.textContent = '';
    return;
  }
  if (profile.error) {
    text.textContent = `Could not ask X: ${profile.error}`;
    follow.disabled = true;
    note.textContent = 'DM eligibility unknown; X will decide.';
    note.dataset['blocked'] = 'false';
    return;
  }
  const relation = [
    profile.followsBrand ? 'Follows the brand' : 'Does not follow the brand',
    profile.followedByBrand ? 'the brand follows them' : 'the brand does not follow them',
  ].join(' · ');
  text.textContent = relation;
  text.title = `As of ${new Date(profile.fetchedAt).toLocaleTimeString()}`;
  follow.textContent = profile.followedByBrand ? 'Unfollow' : 'Follow';
  follow.disabled = completed;
  follow.dataset['following'] = String(profile.followedByBrand);
  note.textContent = profile.canDm ? 'Can receive a DM' : `@${profile.username} does not accept DMs from the brand`;
  note.dataset['blocked'] = String(!profile.canDm);
  dmRadio.disabled = completed || !profile.canDm;
  if (!profile.canDm && state.channel === 'dm') {
    state.channel = 'reply';
    renderComposer();
  }
}

$('follow-toggle').addEventListener('click', async () => {
  const view = current();
  const profile = view ? state.profiles.get(view.id) : null;
  if (!view || !profile || profile.error) return;
  const action = profile.followedByBrand ? 'unfollow' : 'follow';
  const button = /** @type {HTMLButtonElement} */ ($('follow-toggle'));
  button.disabled = true;
  try {
    const accepted = await api('POST', `/api/interactions/${view.id}/${action}`);
    upsertEntry(view.id, { kind: 'agent-action', action, entryId: `cmd:${accepted.commandId}`, at: Date.now(), commandId: accepted.commandId, agentId: state.agent?.id, text: '', status: 'pending' });
  } catch (e) {
    notice(`Could not ${action}: ${e instanceof Error ? e.message : e}`, 'failed');
    button.disabled = false;
  }
});

$('profile-refresh').addEventListener('click', () => {
  if (state.currentId) loadProfile(state.currentId, true);
});

byId('reply-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const view = current();
  if (!view) return;
  const error = $('reply-error');
  const send = /** @type {HTMLButtonElement} */ ($('reply-send'));
  send.disabled = true;
  try {
    const dm = state.channel === 'dm';
    const replyAll = /** @type {HTMLInputElement} */ ($('reply-all')).checked;
    const accepted = dm
      ? await api('POST', `/api/interactions/${view.id}/dms`, { text: replyText.value })
      : await api('POST', `/api/interactions/${view.id}/replies`, { text: replyText.value, ...(replyAll ? { replyAll: true } : {}) });
    upsertEntry(view.id, {
      kind: 'agent-action',
      action: dm ? 'dm' : 'reply',
      entryId: `cmd:${accepted.commandId}`,
      at: Date.now(),
      commandId: accepted.commandId,
      agentId: state.agent?.id,
      text: accepted.text,
      status: 'pending',
    });
    replyText.value = '';
    renderComposer();
  } catch (e) {
    // The server is the authority on X's rules: show its reason as is.
    error.textContent = e instanceof Error ? e.message : String(e);
    error.hidden = false;
  } finally {
    send.disabled = false;
  }
});

byId('done-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const view = current();
  if (!view) return;
  const disposition = /** @type {HTMLSelectElement} */ ($('disposition')).value;
  const button = /** @type {HTMLButtonElement} */ ($('done-button'));
  button.disabled = true;
  try {
    await api('POST', `/api/interactions/${view.id}/done`, disposition ? { disposition } : {});
    button.textContent = 'Closing…';
  } catch (e) {
    alert(`Could not mark done: ${e instanceof Error ? e.message : e}`);
    button.disabled = false;
  }
});

/** Colleagues a transfer may name (GET /api/agents/roster), by id. @type {Map<string, {id: string, name: string, state: string}>} */
const roster = new Map();

/** @param {string} agentId */
function rosterName(agentId) {
  return roster.get(agentId)?.name ?? agentId;
}

/** Reads the roster again and fills the transfer picker: the queue first, then colleagues signed in. */
async function loadRoster() {
  /** @type {{id: string, name: string, state: string}[]} */
  const entries = await api('GET', '/api/agents/roster');
  roster.clear();
  for (const entry of entries) roster.set(entry.id, entry);
  const select = /** @type {HTMLSelectElement} */ ($('transfer-target'));
  const chosen = select.value;
  select.replaceChildren(
    el('option', { value: '' }, ['Queue']),
    ...entries.filter((entry) => entry.state !== 'offline').map((entry) => el('option', { value: entry.id }, [`${entry.name} (${entry.state})`])),
  );
  if (roster.has(chosen)) select.value = chosen;
  const consult = /** @type {HTMLSelectElement} */ ($('consult-target'));
  const consulted = consult.value;
  consult.replaceChildren(el('option', { value: '' }, ['Consult…']), ...entries.map((entry) => el('option', { value: entry.id }, [`${entry.name} (${entry.state})`])));
  if (roster.has(consulted)) consult.value = consulted;
}

byId('consult-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const view = current();
  if (!view) return;
  const withAgentId = /** @type {HTMLSelectElement} */ ($('consult-target')).value;
  const textInput = /** @type {HTMLInputElement} */ ($('consult-text'));
  const voice = /** @type {HTMLInputElement} */ ($('consult-voice')).checked;
  if (!withAgentId) return;
  const button = /** @type {HTMLButtonElement} */ ($('consult-button'));
  button.disabled = true;
  try {
    const entry = await api('POST', `/api/interactions/${view.id}/consultations`, { withAgentId, text: textInput.value.trim(), voice });
    upsertEntry(view.id, entry);
    textInput.value = '';
  } catch (e) {
    notice(`Could not consult: ${e instanceof Error ? e.message : e}`, 'failed');
  } finally {
    button.disabled = false;
  }
});

byId('transfer-target').addEventListener('focus', () => {
  loadRoster().catch((e) => console.warn('could not read the roster', e));
});

byId('transfer-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const view = current();
  if (!view) return;
  const reasonInput = /** @type {HTMLInputElement} */ ($('transfer-reason'));
  const target = /** @type {HTMLSelectElement} */ ($('transfer-target')).value;
  const button = /** @type {HTMLButtonElement} */ ($('transfer-button'));
  button.disabled = true;
  try {
    const reason = reasonInput.value.trim();
    await api('POST', `/api/interactions/${view.id}/transfer`, target ? { toAgentId: target, reason } : { toQueue: true, reason });
    button.textContent = 'Transferring…';
    reasonInput.value = '';
  } catch (e) {
    alert(`Could not transfer: ${e instanceof Error ? e.message : e}`);
    button.disabled = false;
  }
});

// ---- New post from a brand account --------------------------------------------------------------

const postDialog = /** @type {HTMLDialogElement} */ (byId('post-dialog'));
const postText = /** @type {HTMLTextAreaElement} */ ($('new-post-text'));

$('new-post-open').addEventListener('click', async () => {
  if (state.brands.length === 0) {
    try {
      state.brands = await api('GET', '/api/brands');
    } catch (e) {
      notice(`Could not list brand accounts: ${e instanceof Error ? e.message : e}`, 'failed');
      return;
    }
  }
  const select = /** @type {HTMLSelectElement} */ ($('new-post-brand'));
  const view = current();
  select.replaceChildren(...state.brands.map((b) => el('option', { value: b.id }, [`@${b.username}`])));
  // The brand the open interaction came to is the likely choice.
  if (view && state.brands.some((b) => b.id === view.brandAccountId)) select.value = view.brandAccountId;
  $('new-post-error').hidden = true;
  renderPostCounter();
  postDialog.showModal();
  postText.focus();
});

$('new-post-cancel').addEventListener('click', () => postDialog.close());
postText.addEventListener('input', renderPostCounter);

function renderPostCounter() {
  const used = weightedLength(postText.value.trim());
  const counter = $('new-post-counter');
  counter.textContent = `${used} / ${MAX_WEIGHTED}`;
  counter.dataset['over'] = String(used > MAX_WEIGHTED);
}

byId('post-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('new-post-error');
  const send = /** @type {HTMLButtonElement} */ ($('new-post-send'));
  send.disabled = true;
  try {
    const brandAccountId = /** @type {HTMLSelectElement} */ ($('new-post-brand')).value;
    const accepted = await api('POST', '/api/posts', { brandAccountId, text: postText.value });
    postText.value = '';
    postDialog.close();
    postNotices.set(accepted.commandId, notice('Posting…', 'pending'));
  } catch (e) {
    error.textContent = e instanceof Error ? e.message : String(e);
    error.hidden = false;
  } finally {
    send.disabled = false;
  }
});

// ---- X's weighted length, approximately (twitter-text v3 rules; the server checks exactly) -------

const URL_PATTERN = /(?:https?:\/\/)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d+)?(?:\/[^\s]*)?/gi;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** @param {string} text */
function weightedLength(text) {
  let length = 0;
  const withoutUrls = text.normalize('NFC').replace(URL_PATTERN, () => {
    length += 23;
    return '';
  });
  for (const { segment } of segmenter.segment(withoutUrls)) {
    if (/\p{Extended_Pictographic}/u.test(segment)) {
      length += 2;
      continue;
    }
    for (const char of segment) {
      const cp = /** @type {number} */ (char.codePointAt(0));
      const light = cp <= 0x10ff || (cp >= 0x2000 && cp <= 0x200d) || (cp >= 0x2010 && cp <= 0x201f) || (cp >= 0x2032 && cp <= 0x2037);
      length += light ? 1 : 2;
    }
  }
  return length;
}

// ---- Small helpers ----------------------------------------------------------------------------

/**
 * Builds an element; children are strings (as text, never HTML) or nodes.
 * @param {string} tag @param {Record<string, string>} attrs @param {(Node | string)[]} children
 */
function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Text with every @username turned into a link to the profile on X. @param {string} text @returns {(Node | string)[]} */
function linkify(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/(^|[^A-Za-z0-9_])[@＠]([A-Za-z0-9_]{1,15})/g)) {
    const start = (match.index ?? 0) + match[1].length;
    parts.push(text.slice(last, start));
    parts.push(el('a', { href: `https://x.com/${match[2]}`, target: '_blank', rel: 'noopener noreferrer' }, [`@${match[2]}`]));
    last = start + match[2].length + 1;
  }
  parts.push(text.slice(last));
  return parts;
}

const ICONS = {
  positive: '<circle cx="12" cy="12" r="9"/><path d="M8 14s1.5 2 4 2 4-2 4-2"/><path d="M9 9h.01M15 9h.01"/>',
  negative: '<circle cx="12" cy="12" r="9"/><path d="M16 16s-1.5-2-4-2-4 2-4 2"/><path d="M9 9h.01M15 9h.01"/>',
  neutral: '<circle cx="12" cy="12" r="9"/><path d="M8 15h8"/><path d="M9 9h.01M15 9h.01"/>',
  undeclared: '<circle cx="12" cy="12" r="9"/><path d="M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5V14"/><path d="M12 17h.01"/>',
  actionable: '<path d="M5 21V4"/><path d="M5 4h11l-2 4 2 4H5"/>',
  'not-actionable': '<circle cx="12" cy="12" r="9"/><path d="M8 12h8"/>',
};
const SENTIMENT_LABELS = { positive: 'Positive', negative: 'Negative', neutral: 'Neutral', undeclared: 'Sentiment undeclared' };
const ACTIONABILITY_LABELS = { actionable: 'Actionable', 'not-actionable': 'Not actionable', undeclared: 'Actionability undeclared' };

/** @param {string} value */
const sentimentLabel = (value) => SENTIMENT_LABELS[/** @type {keyof typeof SENTIMENT_LABELS} */ (value)] ?? value;
/** @param {string} value */
const actionabilityLabel = (value) => ACTIONABILITY_LABELS[/** @type {keyof typeof ACTIONABILITY_LABELS} */ (value)] ?? value;

/** @param {string} value @param {string} testId @param {string} [original] the model's label, when an agent corrected it */
function sentimentBadge(value, testId, original) {
  const icon = ICONS[/** @type {keyof typeof ICONS} */ (value)] ?? ICONS.undeclared;
  return badge(value, sentimentLabel(value), icon, testId, 'Sentiment', original === undefined ? undefined : sentimentLabel(original));
}

/** @param {string} value @param {string} testId @param {string} [original] the model's label, when an agent corrected it */
function actionabilityBadge(value, testId, original) {
  const icon = ICONS[/** @type {keyof typeof ICONS} */ (value)] ?? ICONS.undeclared;
  return badge(value, actionabilityLabel(value), icon, testId, 'Actionability', original === undefined ? undefined : actionabilityLabel(original));
}

/**
 * @param {string} value @param {string} label @param {string} icon @param {string} testId @param {string} what
 * @param {string} [originalLabel] the model's label when an agent corrected this one: the badge is marked
 */
function badge(value, label, icon, testId, what, originalLabel) {
  const corrected = originalLabel !== undefined;
  const mark = !corrected ? '' : originalLabel === label ? 'confirmed' : 'corrected';
  const title = corrected ? `${what}: ${label} (${mark} by an agent; the model said ${originalLabel})` : `${what}: ${label}`;
  const node = el('span', { class: 'badge', 'data-testid': testId, 'data-value': value, 'data-corrected': String(corrected), title }, []);
  // The icon markup is ours (constants above), never user text.
  node.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true">${icon}</svg>`;
  node.append(label);
  if (corrected) {
    node.append(
      el('span', { class: 'corrected-mark', 'data-testid': `${testId}-corrected` }, [mark]),
      // The tooltip is not read out; the model's label is, from here.
      el('span', { class: 'visually-hidden' }, [`; the model said ${originalLabel}`]),
    );
  }
  return node;
}

/** @param {string} name */
function initials(name) {
  return name
    .split(/[\s_]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

/** @param {number} n */
function compact(n) {
  return new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** @param {string | number} when */
function time(when) {
  return new Date(when).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** @param {string} kind */
function kindLabel(kind) {
  return { mention: 'Mention', reply: 'Reply', quote: 'Quote', dm: 'Direct message' }[kind] ?? kind;
}

// ---- Start ------------------------------------------------------------------------------------

renderPresence();
if (state.token) {
  api('GET', '/api/agents/me')
    .then((agent) => startSession(agent))
    .catch(() => signOut());
}
