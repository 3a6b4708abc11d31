// robosync dashboard: live numbers over the WebSocket `stats` channel (falling back to polling
// /api/v1/status when the socket is refused or down), tables keyed by id and updated in place,
// staleness ticking between pushes, sync buttons, the sync runs table.
// Text goes in with textContent only, so nothing from the server is ever parsed as HTML.
import { LineChart } from './charts.js';

const TOKEN_KEY = 'robosync.token';
const MAX_ROBOT_ROWS = 500;
const RUNS_REFRESH_MS = 5000;
const POLL_MS = 2000;
const WS_SILENCE_MS = 10_000;

const $ = (id) => document.getElementById(id);
const st = {
  status: null,
  receivedAt: 0,
  ws: null,
  wsRetryMs: 1000,
  wsLastMessageAt: 0,
  pollTimer: null,
  filter: '',
  runsTimer: null,
};

// ---------- formatting ----------
function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
const fmtAgo = (ms) => (ms === null ? 'never' : `${fmtMs(ms)} ago`);
const fmtPair = (a, b) => `${fmtMs(a)} / ${fmtMs(b)}`;
function fmtTime(ts) {
  if (!ts) return '–';
  const d = new Date(ts);
  const t = d.toLocaleTimeString([], { hour12: false });
  return d.toDateString() === new Date().toDateString() ? t : `${d.toLocaleDateString()} ${t}`;
}
function setText(el, text) {
  const s = String(text);
  if (el.textContent !== s) el.textContent = s;
}
function setClass(el, cls) {
  if (el.className !== cls) el.className = cls;
}

// ---------- token ----------
const token = () => sessionStorage.getItem(TOKEN_KEY) || '';
function initToken() {
  const input = $('token');
  input.value = token() ? '********' : '';
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const v = input.value.trim();
    if (!v || v === '********') return;
    sessionStorage.setItem(TOKEN_KEY, v);
    input.value = '********';
    toast('Token kept for this browser tab.');
    reconnect();
  });
  $('token-clear').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    input.value = '';
    toast('Token forgotten.');
    reconnect();
  });
}

// ---------- API ----------
async function api(method, path) {
  const headers = { Accept: 'application/json' };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  const res = await fetch(path, { method, headers, cache: 'no-store' });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  return { status: res.status, body };
}
const errorText = (r) =>
  r.status === 401
    ? 'This server needs its API token for that: paste it in the token field.'
    : r.body?.error?.message ?? `HTTP ${r.status}`;

// ---------- live feed ----------
function setFeed(kind) {
  const el = $('feed');
  const label = { ws: 'live (WebSocket)', poll: 'polling every 2 s', off: 'disconnected' }[kind];
  setText(el, label);
  setClass(el, `badge feed-${kind}`);
  el.title = kind === 'poll' ? 'The WebSocket is not available (a token may be needed); numbers come from /api/v1/status.' : '';
}

function connect() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const t = token();
  const ws = new WebSocket(`${proto}//${location.host}/api/v1/ws${t ? `?token=${encodeURIComponent(t)}` : ''}`);
  st.ws = ws;
  ws.onopen = () => {
    st.wsRetryMs = 1000;
    st.wsLastMessageAt = Date.now();
    setFeed('ws');
    stopPolling();
    ws.send(JSON.stringify({ type: 'subscribe', id: 'dashboard', robots: '*', events: ['stats', 'sync.completed', 'sync.failed', 'budget.exhausted'] }));
  };
  ws.onmessage = (ev) => {
    st.wsLastMessageAt = Date.now();
    let m;
    try {
      m = JSON.parse(ev.data);
    } catch {
      return;
    }
    onMessage(m);
  };
  ws.onclose = () => {
    if (st.ws !== ws) return;
    st.ws = null;
    startPolling();
    setTimeout(() => {
      if (!st.ws) connect();
    }, st.wsRetryMs);
    st.wsRetryMs = Math.min(30_000, st.wsRetryMs * 2);
  };
}

function reconnect() {
  const old = st.ws;
  st.ws = null;
  if (old) old.close();
  connect();
}

function onMessage(m) {
  if (m.type === 'stats') applyStatus(m.data);
  else if (m.type === 'event') {
    if ((m.event === 'sync.completed' || m.event === 'sync.failed') && m.data.reasons?.includes('manual')) refreshRunsSoon();
    if (m.event === 'budget.exhausted') toast(`Rate budget exhausted (${m.data.exchange} ${m.data.scope}): ${m.data.reason}`, true);
  }
}

function startPolling() {
  setFeed('poll');
  if (st.pollTimer) return;
  const poll = async () => {
    try {
      const r = await api('GET', '/api/v1/status');
      if (r.status === 200) applyStatus(r.body);
      else setFeed('off');
    } catch {
      setFeed('off');
    }
  };
  poll();
  st.pollTimer = setInterval(poll, POLL_MS);
}
function stopPolling() {
  clearInterval(st.pollTimer);
  st.pollTimer = null;
}

// ---------- charts and tiles ----------
const charts = {};
function initCharts() {
  const ms = (v) => fmtMs(v).replace(' ms', '');
  charts.event = new LineChart($('c-event-lag'), { series: [{ label: 'p50', color: '--c1' }, { label: 'p99', color: '--c2' }], format: ms });
  charts.detection = new LineChart($('c-detection-lag'), { series: [{ label: 'p50', color: '--c1' }, { label: 'p99', color: '--c2' }], format: ms });
  charts.api = new LineChart($('c-api'), { series: [{ label: 'calls/min', color: '--c3' }], integer: true });
  charts.queue = new LineChart($('c-queue'), { series: [{ label: 'waiting', color: '--c4' }, { label: 'running', color: '--c1' }], integer: true });
}

function applyStatus(s) {
  st.status = s;
  st.receivedAt = Date.now();
  const badge = $('engine-state');
  setText(badge, s.state);
  setClass(badge, `badge ${s.state === 'running' ? 'running' : 'stopped'}`);
  const l = s.live;
  setText($('t-event-lag'), fmtPair(l.eventLagMs.p50, l.eventLagMs.p99));
  setText($('t-detection-lag'), fmtPair(l.detectionLagMs.p50, l.detectionLagMs.p99));
  setText($('t-api'), l.apiCallsPerMin);
  setText($('t-syncs'), l.syncsPerSec);
  setText($('t-queue'), `${l.queueDepth} (${l.running})`);
  // A tier with no robots has no staleness, not zero.
  setText($('t-staleness'), fmtPair(l.robots.hot ? l.stalenessMaxMs.hot : null, l.robots.idle ? l.stalenessMaxMs.idle : null));
  setText($('t-robots'), `${l.robots.hot} / ${l.robots.idle} / ${l.robots.paused}`);
  setText($('t-ratelimit'), l.rateLimitAnswersPerMin);
  const t = s.now ?? Date.now();
  charts.event.push(t, [l.eventLagMs.p50, l.eventLagMs.p99]);
  charts.detection.push(t, [l.detectionLagMs.p50, l.detectionLagMs.p99]);
  charts.api.push(t, [l.apiCallsPerMin]);
  charts.queue.push(t, [l.queueDepth, l.running]);
  for (const c of Object.values(charts)) c.draw();
  renderAccounts();
  renderRobots();
  tick();
}

// ---------- tables ----------
/** Updates rows in place by key so buttons and focus survive a refresh. */
function syncRows(tbody, items, keyOf, build, update, emptyText, columns) {
  const existing = new Map();
  for (const r of [...tbody.rows]) existing.set(r.dataset.key, r);
  let i = 0;
  for (const item of items) {
    const k = keyOf(item);
    let row = existing.get(k);
    if (row) existing.delete(k);
    else {
      row = build(item);
      row.dataset.key = k;
    }
    update(row, item);
    if (tbody.rows[i] !== row) tbody.insertBefore(row, tbody.rows[i] ?? null);
    i++;
  }
  for (const r of existing.values()) r.remove();
  if (!items.length) {
    const tr = document.createElement('tr');
    tr.dataset.key = '__empty';
    const td = document.createElement('td');
    td.colSpan = columns;
    td.className = 'empty';
    td.textContent = emptyText;
    tr.append(td);
    tbody.append(tr);
  }
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const [name, cls] of cells) {
    const td = document.createElement('td');
    td.dataset.col = name;
    if (cls) td.className = cls;
    tr.append(td);
  }
  return tr;
}
const cell = (tr, name) => tr.querySelector(`td[data-col="${name}"]`);

function syncButton(kind, id) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = 'Sync';
  b.dataset.sync = kind;
  b.dataset.id = id;
  b.setAttribute('aria-label', `sync ${kind} ${id}`);
  return b;
}

function staleClass(ms, intervalMs) {
  if (!intervalMs) return 'num';
  if (ms > 5 * intervalMs) return 'num stale-bad';
  if (ms > 2 * intervalMs) return 'num stale-warn';
  return 'num';
}

function renderAccounts() {
  const accounts = st.status?.accounts ?? [];
  setText($('accounts-count'), `(${accounts.length})`);
  syncRows(
    $('accounts').tBodies[0],
    accounts,
    (a) => a.accountId,
    (a) => {
      const tr = row([['id'], ['exchange'], ['label'], ['tier'], ['robots', 'num'], ['staleness', 'num'], ['last'], ['stream'], ['error', 'err'], ['action']]);
      tr.dataset.accountId = a.accountId;
      cell(tr, 'action').append(syncButton('account', a.accountId));
      return tr;
    },
    (tr, a) => {
      setText(cell(tr, 'id'), a.accountId);
      setText(cell(tr, 'exchange'), a.exchange);
      setText(cell(tr, 'label'), a.label ?? '');
      const tier = cell(tr, 'tier');
      setText(tier, a.tier);
      setClass(tier, `tier tier-${a.tier}`);
      setText(cell(tr, 'robots'), a.robots);
      const s = cell(tr, 'staleness');
      s.dataset.base = a.stalenessMs;
      s.dataset.interval = a.intervalMs ?? '';
      cell(tr, 'last').dataset.at = a.lastSuccessAt ?? '';
      setText(cell(tr, 'stream'), a.stream);
      setText(cell(tr, 'error'), a.lastError ?? '');
    },
    'no accounts configured',
    10,
  );
}

function renderRobots() {
  const all = st.status?.robots ?? [];
  const f = st.filter.toLowerCase();
  const matching = f ? all.filter((r) => r.robotId.toLowerCase().includes(f) || r.accountId.toLowerCase().includes(f) || r.symbols.some((s) => s.toLowerCase().includes(f))) : all;
  const shown = matching.slice(0, MAX_ROBOT_ROWS);
  setText($('robots-count'), f ? `(${matching.length} of ${all.length})` : `(${all.length})`);
  const more = $('robots-more');
  more.hidden = matching.length <= shown.length;
  setText(more, `Showing ${shown.length} of ${matching.length}; filter to narrow.`);
  const intervals = new Map((st.status?.accounts ?? []).map((a) => [a.accountId, a.intervalMs]));
  syncRows(
    $('robots').tBodies[0],
    shown,
    (r) => r.robotId,
    (r) => {
      const tr = row([['id'], ['account'], ['symbols'], ['status'], ['tier'], ['open', 'num'], ['staleness', 'num'], ['last'], ['error', 'err'], ['action']]);
      tr.dataset.robotId = r.robotId;
      cell(tr, 'action').append(syncButton('robot', r.robotId));
      return tr;
    },
    (tr, r) => {
      setText(cell(tr, 'id'), r.robotId);
      setText(cell(tr, 'account'), r.accountId);
      setText(cell(tr, 'symbols'), r.symbols.join(', '));
      setText(cell(tr, 'status'), r.status);
      const tier = cell(tr, 'tier');
      setText(tier, r.tier);
      setClass(tier, `tier tier-${r.tier}`);
      setText(cell(tr, 'open'), r.openOrders);
      const s = cell(tr, 'staleness');
      s.dataset.base = r.stalenessMs;
      s.dataset.interval = intervals.get(r.accountId) ?? '';
      cell(tr, 'last').dataset.at = r.lastSuccessAt ?? '';
      setText(cell(tr, 'error'), r.lastError ?? '');
    },
    f ? 'no robot matches the filter' : 'no robots registered',
    10,
  );
}

/** Between pushes, staleness grows with the clock; the server's `now` anchors it. */
function tick() {
  if (!st.status) return;
  const elapsed = Date.now() - st.receivedAt;
  const serverNow = (st.status.now ?? st.receivedAt) + elapsed;
  for (const td of document.querySelectorAll('td[data-col="staleness"]')) {
    const ms = Number(td.dataset.base) + elapsed;
    setText(td, fmtMs(ms));
    setClass(td, staleClass(ms, Number(td.dataset.interval) || 0));
  }
  for (const td of document.querySelectorAll('td[data-col="last"]')) {
    const at = td.dataset.at ? Number(td.dataset.at) : null;
    setText(td, at === null ? 'never' : fmtAgo(serverNow - at));
    td.title = at === null ? '' : fmtTime(at);
  }
}

// ---------- runs ----------
async function refreshRuns() {
  let r;
  try {
    r = await api('GET', '/api/v1/sync/runs?limit=25');
  } catch {
    return;
  }
  if (r.status !== 200) return;
  syncRows(
    $('runs').tBodies[0],
    r.body.runs,
    (x) => String(x.id),
    (x) => {
      const tr = row([['id', 'num'], ['scope'], ['status'], ['started'], ['took', 'num'], ['accounts', 'num'], ['rows', 'num'], ['calls', 'num'], ['error', 'err']]);
      tr.dataset.runId = String(x.id);
      return tr;
    },
    (tr, x) => {
      setText(cell(tr, 'id'), x.id);
      setText(cell(tr, 'scope'), x.scope);
      const s = cell(tr, 'status');
      setText(s, x.status);
      s.className = `status-${x.status}`;
      setText(cell(tr, 'started'), fmtTime(x.startedAt));
      setText(cell(tr, 'took'), x.finishedAt ? fmtMs(x.finishedAt - x.startedAt) : '…');
      setText(cell(tr, 'accounts'), `${x.accountsOk} / ${x.accountsFailed}`);
      setText(cell(tr, 'rows'), `${x.rowsNew} / ${x.rowsUpdated} / ${x.rowsSkipped}`);
      setText(cell(tr, 'calls'), x.apiCalls);
      setText(cell(tr, 'error'), x.errorMessage ?? '');
    },
    'no sync runs yet',
    9,
  );
}
let runsSoon = null;
function refreshRunsSoon() {
  clearTimeout(runsSoon);
  runsSoon = setTimeout(refreshRuns, 300);
}

// ---------- sync buttons ----------
async function waitJob(id) {
  const end = Date.now() + 10 * 60_000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 1000));
    const r = await api('GET', `/api/v1/sync/jobs/${encodeURIComponent(id)}`);
    if (r.status !== 200) return r;
    const job = r.body.job;
    if (job.status === 'done') return { status: 200, body: { result: job.result } };
    if (job.status === 'error') return { status: 500, body: { error: { message: job.error } } };
  }
  return { status: 504, body: { error: { message: 'still running after 10 minutes' } } };
}

function describeResult(label, res) {
  if ('accounts' in res) {
    const failed = res.accounts.filter((a) => !a.ok);
    const calls = res.accounts.reduce((n, a) => n + a.apiCalls, 0);
    return failed.length ? [`${label}: ${failed.length} of ${res.accounts.length} accounts failed (${failed[0].accountId}: ${failed[0].error})`, true] : [`${label}: ${res.accounts.length} accounts synced, ${calls} API calls`, false];
  }
  if (!res.ok) return [`${label}: failed: ${res.error}`, true];
  const rows = res.orders.inserted + res.orders.updated + res.executions.inserted + res.positions.inserted + res.positions.updated;
  return [`${label}: synced (${res.apiCalls} API calls, ${rows} rows changed)`, false];
}

async function runSync(kind, id, button) {
  const label = kind === 'all' ? 'Sync all' : `${kind} ${id}`;
  const text = button.textContent;
  button.disabled = true;
  button.textContent = 'Syncing…';
  try {
    const path = kind === 'all' ? '/api/v1/sync/all' : `/api/v1/sync/${kind}s/${encodeURIComponent(id)}`;
    let r = await api('POST', path);
    if (r.status === 202 && r.body?.job) r = await waitJob(r.body.job.id);
    if (r.status === 200) {
      const [msg, bad] = describeResult(label, r.body.result);
      toast(msg, bad);
    } else toast(`${label}: ${errorText(r)}`, true);
  } catch (err) {
    toast(`${label}: ${err instanceof Error ? err.message : String(err)}`, true);
  } finally {
    button.disabled = false;
    button.textContent = text;
    refreshRuns();
  }
}

function toast(text, bad = false) {
  const el = document.createElement('div');
  el.className = bad ? 'toast bad' : 'toast';
  el.textContent = text;
  $('toasts').append(el);
  setTimeout(() => el.remove(), bad ? 9000 : 4000);
}

// ---------- start ----------
function main() {
  initToken();
  initCharts();
  for (const id of ['accounts', 'robots']) {
    $(id).tBodies[0].addEventListener('click', (e) => {
      const b = e.target.closest('button[data-sync]');
      if (b) runSync(b.dataset.sync, b.dataset.id, b);
    });
  }
  $('sync-all').addEventListener('click', (e) => runSync('all', null, e.currentTarget));
  $('robot-filter').addEventListener('input', (e) => {
    st.filter = e.target.value.trim();
    renderRobots();
    tick();
  });
  setFeed('off');
  connect();
  refreshRuns();
  st.runsTimer = setInterval(refreshRuns, RUNS_REFRESH_MS);
  setInterval(tick, 250);
  // A socket that went quiet (sleep, a proxy dropping it) is replaced.
  setInterval(() => {
    if (st.ws && st.ws.readyState === WebSocket.OPEN && Date.now() - st.wsLastMessageAt > WS_SILENCE_MS) reconnect();
  }, 2000);
}

main();
