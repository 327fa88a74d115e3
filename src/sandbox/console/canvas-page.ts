/**
 * The page the `sandbox` command serves at its root: the app's canvases as a user would see
 * them in their entries, refreshed as the app writes them. A click posts to the sandbox's send
 * call, which delivers the signed `v2.canvas.userInteracted` to the app, as Benchling does;
 * until the app redraws that canvas it shows "Updating…" and takes no more clicks, as
 * Benchling does. Self-contained: no script or style from elsewhere.
 */
export const CANVAS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Benchling sandbox: app canvases</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1c2430; }
  header { background: #1c2430; color: #fff; padding: 12px 24px; }
  header h1 { font-size: 18px; margin: 0; }
  header p { margin: 4px 0 0; color: #c6cbd3; }
  main { padding: 16px 24px; display: grid; gap: 16px; max-width: 900px; }
  .canvas { background: #fff; border: 1px solid #d5d9e0; border-radius: 6px; position: relative; }
  .canvas > h2 { font-size: 13px; font-weight: 600; margin: 0; padding: 8px 12px; border-bottom: 1px solid #e3e6ea; color: #5a6472; }
  .canvas-body { padding: 8px 16px 16px; }
  .canvas.updating .canvas-body { opacity: 0.55; }
  .updating-note { display: none; position: absolute; top: 6px; right: 12px; font-weight: 600; color: #8a5a00; }
  .canvas.updating .updating-note { display: block; }
  .section { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
  button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid #2f6fdd; background: #2f6fdd; color: #fff; cursor: pointer; }
  button:disabled { background: #c9d3e3; border-color: #c9d3e3; cursor: not-allowed; }
  .chip { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #e6ecf7; }
  label.input { display: inline-flex; flex-direction: column; gap: 2px; margin: 4px 8px 4px 0; }
  table { border-collapse: collapse; margin: 8px 0; }
  td, th { border: 1px solid #d5d9e0; padding: 3px 8px; text-align: left; }
  .empty { color: #5a6472; }
  #status { min-height: 1.4em; }
</style>
</head>
<body>
<header>
  <h1>Benchling sandbox: app canvases</h1>
  <p>Clicks are sent, signed, to the app at <code id="app-url"></code>.</p>
  <p id="status" role="status"></p>
</header>
<main id="canvases"><p class="empty">Loading…</p></main>
<script>
(() => {
  const main = document.getElementById('canvases');
  const status = document.getElementById('status');
  // Canvas id -> how many writes of it the sandbox had accepted when a button was clicked:
  // "Updating…" until the app writes it again (or for at most 15 s, should it never). Counting
  // writes, not comparing looks, since the app may redraw it exactly as it was, and its
  // "Updating…" and final views may both land between two polls.
  const pending = new Map();
  const writes = new Map();
  const PENDING_MS = 15000;
  let shown = '';

  const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

  function render(view) {
    document.getElementById('app-url').textContent = view.appUrl;
    for (const canvas of view.canvases) {
      writes.set(canvas.id, canvas.writes);
      const click = pending.get(canvas.id);
      if (click && (canvas.writes > click.writes || Date.now() - click.at > PENDING_MS)) pending.delete(canvas.id);
    }
    const key = JSON.stringify([view.canvases, [...pending.keys()]]);
    if (key === shown) return;
    shown = key;
    if (view.canvases.length === 0) {
      main.innerHTML = '<p class="empty">No canvases yet. Send <code>canvas-initialized</code> (or <code>canvas-created</code>) for an entry and the app draws one here.</p>';
      return;
    }
    main.innerHTML = view.canvases.map((canvas) => {
      const updating = pending.has(canvas.id) || !canvas.enabled;
      const title = canvas.entry ? canvas.entry.displayId + ' · ' + canvas.entry.name : 'canvas ' + canvas.id;
      return '<section class="canvas' + (updating ? ' updating' : '') + '" data-canvas-id="' + escape(canvas.id) + '">' +
        '<h2>' + escape(title) + '</h2><span class="updating-note">Updating…</span>' +
        '<div class="canvas-body">' + canvas.html + '</div></section>';
    }).join('');
    for (const id of pending.keys()) {
      for (const button of main.querySelectorAll('button[data-canvas="' + CSS.escape(id) + '"]')) button.disabled = true;
    }
  }

  async function refresh() {
    try {
      const response = await fetch('/sandbox/canvases', { cache: 'no-store' });
      render(await response.json());
    } catch (error) {
      status.textContent = 'The sandbox does not answer: is it still running?';
    }
    setTimeout(refresh, 300);
  }

  main.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-button]');
    if (!button || button.disabled) return;
    const canvas = button.dataset.canvas;
    const section = button.closest('.canvas');
    pending.set(canvas, { writes: writes.get(canvas), at: Date.now() });
    shown = '';
    // Benchling greys the whole canvas at the click, not just the button clicked.
    for (const other of main.querySelectorAll('button[data-canvas="' + CSS.escape(canvas) + '"]')) other.disabled = true;
    section && section.classList.add('updating');
    status.textContent = 'Sending "' + button.textContent + '"…';
    try {
      const response = await fetch('/sandbox/send', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'click', canvas, button: button.dataset.button }),
      });
      const reply = await response.json();
      if (!response.ok) throw new Error(reply.error ? reply.error.message : 'HTTP ' + response.status);
      status.textContent = '"' + button.textContent + '": ' + reply.type + ' → ' + reply.status;
      if (reply.status >= 300) pending.delete(canvas);
    } catch (error) {
      pending.delete(canvas);
      shown = '';
      status.textContent = 'The click was not delivered: ' + error.message;
    }
  });

  refresh();
})();
</script>
</body>
</html>
`;
