// Price-node panel: the node table (test and sync buttons) and the sync status per (node, pair,
// data type), from GET /api/v1/sync/nodes, refreshed every 30 s (as S002's page) and after each
// action. Keys only ever arrive as hints (`keyHint`). Text goes in with textContent only.
// Self-contained on purpose: app.js is the live dashboard; this panel shares only the page's
// token (sessionStorage) and toast area.

const TOKEN_KEY = 'robosync.token';
const REFRESH_MS = 30_000;
const $ = (id) => document.getElementById(id);

async function api(method, path) {
  const headers = { Accept: 'application/json' };
  const t = sessionStorage.getItem(TOKEN_KEY);
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

function toast(text, bad = false) {
  const el = document.createElement('div');
  el.className = bad ? 'toast bad' : 'toast';
  el.textContent = text;
  $('toasts').append(el);
  setTimeout(() => el.remove(), bad ? 9000 : 4000);
}

const errorText = (r) => (r.status === 401 ? 'This server needs its API token for that: paste it in the token field.' : r.body?.error?.message ?? `HTTP ${r.status}`);

function fmtTime(ts) {
  if (ts === null || ts === undefined) return '–';
  return new Date(ts).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

function fmtInterval(ms) {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms} ms`;
}

function tr(cells) {
  const row = document.createElement('tr');
  for (const [text, cls] of cells) {
    const td = document.createElement('td');
    if (cls) td.className = cls;
    td.textContent = text;
    row.append(td);
  }
  return row;
}

function empty(tbody, columns, text) {
  const row = document.createElement('tr');
  const td = document.createElement('td');
  td.colSpan = columns;
  td.className = 'empty';
  td.textContent = text;
  row.append(td);
  tbody.replaceChildren(row);
}

function button(label, action, id) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.nodeAction = action;
  b.dataset.id = String(id);
  b.setAttribute('aria-label', `${action} node ${id}`);
  return b;
}

function render(body) {
  const nodes = body.nodes ?? [];
  const status = body.status ?? [];
  $('nodes-count').textContent = `(${nodes.length})`;
  $('nodes-updated').textContent = `updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
  const tb = $('nodes').tBodies[0];
  // Keep a button that is busy (its request still running) instead of rebuilding its row.
  const busy = new Map([...tb.querySelectorAll('button:disabled')].map((b) => [`${b.dataset.nodeAction}:${b.dataset.id}`, b]));
  if (!nodes.length) empty(tb, 12, 'no price nodes registered (POST /api/v1/sync/nodes or robosync nodes add)');
  else {
    tb.replaceChildren(
      ...nodes.map((n) => {
        const row = tr([
          [String(n.id), 'num'],
          [n.name],
          [n.baseUrl],
          [n.keyHint ?? '–'],
          [fmtInterval(n.intervalMs), 'num'],
          [String(n.priority), 'num'],
          [n.active ? (n.running ? 'syncing' : 'yes') : 'paused'],
          [fmtTime(n.lastSuccessAt)],
          [String(n.failures), 'num'],
          [fmtTime(n.nextRunAt)],
          [n.lastError ?? '', 'err'],
          ['', 'actions'],
        ]);
        row.dataset.nodeId = String(n.id);
        const actions = row.lastElementChild;
        actions.append(busy.get(`test:${n.id}`) ?? button('Test', 'test', n.id), busy.get(`sync:${n.id}`) ?? button('Sync', 'sync', n.id));
        return row;
      }),
    );
  }
  const names = new Map(nodes.map((n) => [n.id, n.name]));
  const sb = $('node-status').tBodies[0];
  if (!status.length) empty(sb, 9, 'no sync status yet');
  else {
    sb.replaceChildren(
      ...status.map((s) => {
        const row = tr([[names.get(s.nodeId) ?? String(s.nodeId)], [s.exchange], [s.symbol], [s.stream], [s.state, `state-${s.state}`], [fmtTime(s.lastTime)], [String(s.rowsTotal), 'num'], [String(s.lastRunRows), 'num'], [s.error ?? '', 'err']]);
        row.dataset.key = `${s.nodeId}:${s.exchange}:${s.symbol}:${s.stream}`;
        return row;
      }),
    );
  }
}

async function refresh() {
  try {
    const r = await api('GET', '/api/v1/sync/nodes');
    if (r.status === 200) render(r.body);
    else $('nodes-updated').textContent = errorText(r);
  } catch {
    $('nodes-updated').textContent = 'could not reach the server';
  }
}

function describeTest(t) {
  if (!t.reachable) return [`${t.name}: not reachable: ${t.error ?? 'no answer'}`, true];
  const head = `${t.name}: reachable (${t.latencyMs} ms), ${t.version ?? 'unknown version'}, auth ${t.auth}`;
  return t.auth === 'refused' || t.auth === 'unknown' ? [`${head}: ${t.error}`, true] : [`${head}, ${t.series} series offered`, false];
}

function describeSync(r) {
  if (r.skipped) return [`${r.name || `node ${r.nodeId}`}: skipped (${r.skipped})`, true];
  const rows = r.streams.reduce((n, s) => n + s.written, 0);
  if (r.nodeError) return [`${r.name}: sync failed: ${r.nodeError}`, true];
  const failed = r.streams.filter((s) => s.state === 'failed');
  if (failed.length) return [`${r.name}: ${failed.length} of ${r.streams.length} failed (${failed[0].symbol} ${failed[0].stream}: ${failed[0].error})`, true];
  return [`${r.name}: synced ${r.streams.length} series, ${rows} rows written${r.more ? ', more to come' : ''}`, false];
}

async function act(action, id, b) {
  const text = b.textContent;
  b.disabled = true;
  b.textContent = action === 'test' ? 'Testing…' : 'Syncing…';
  try {
    const r = await api('POST', `/api/v1/sync/nodes/${encodeURIComponent(id)}/${action}`);
    if (r.status === 200) {
      const [msg, bad] = action === 'test' ? describeTest(r.body.test) : describeSync(r.body.result);
      toast(msg, bad);
    } else if (r.status === 202) toast(`node ${id}: sync still running; the status table will show it`);
    else toast(`node ${id}: ${errorText(r)}`, true);
  } catch (err) {
    toast(`node ${id}: ${err instanceof Error ? err.message : String(err)}`, true);
  } finally {
    b.disabled = false;
    b.textContent = text;
    refresh();
  }
}

$('nodes').tBodies[0].addEventListener('click', (e) => {
  const b = e.target.closest('button[data-node-action]');
  if (b && !b.disabled) act(b.dataset.nodeAction, b.dataset.id, b);
});
refresh();
setInterval(refresh, REFRESH_MS);
