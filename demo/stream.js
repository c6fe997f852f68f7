// A Server-Sent Events reader over fetch, for the staff feed: EventSource cannot send an
// Authorization header. It resumes with Last-Event-ID after a drop or the server's `bye`, and
// retries with exponential backoff and full jitter. (Customers' availability uses the SDK's feed.)

/** Reads one SSE response body, calling onMessage({event, id, data}) per dispatched message. */
async function readEvents(body, signal, onMessage) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  let buffer = '';
  let message = { event: 'message', id: undefined, data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (message.data.length) onMessage({ event: message.event, id: message.id, data: message.data.join('\n') });
        message = { event: 'message', id: undefined, data: [] };
        continue;
      }
      if (line.startsWith(':')) continue; // a comment: the heartbeat
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') message.event = value;
      else if (field === 'id') message.id = value;
      else if (field === 'data') message.data.push(value);
    }
  }
}

/**
 * A live stream that stays open: start(), stop(). Calls onStatus('live' | 'reconnecting' | 'failed'),
 * onEvent(name, id, data) for each event, and onError(message) for a refusal it will not retry
 * (401/403/404: a wrong token or venue).
 */
export class LiveStream {
  constructor({ url, headers = {}, lastEventId, onEvent, onStatus = () => {}, onError = () => {} }) {
    Object.assign(this, { url, headers, lastEventId, onEvent, onStatus, onError });
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    void this.run();
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
  }

  async run() {
    let failures = 0;
    while (!this.stopped) {
      this.controller = new AbortController();
      try {
        const headers = { accept: 'text/event-stream', ...this.headers };
        if (this.lastEventId !== undefined) headers['last-event-id'] = String(this.lastEventId);
        const res = await fetch(this.url, { headers, signal: this.controller.signal, cache: 'no-store' });
        if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
          const body = await res.json().catch(() => null);
          const message = body?.error?.message ?? `The feed answered ${res.status}.`;
          if ([400, 401, 403, 404].includes(res.status)) {
            this.onStatus('failed');
            this.onError(message);
            return;
          }
          throw new Error(message);
        }
        failures = 0;
        this.onStatus('live');
        await readEvents(res.body, this.controller.signal, ({ event, id, data }) => {
          if (id !== undefined && id !== '') this.lastEventId = id;
          if (event === 'bye') return; // the server closes next; reconnect at once
          let parsed;
          try {
            parsed = JSON.parse(data);
          } catch {
            return;
          }
          this.onEvent(event, id, parsed);
        });
      } catch {
        if (this.stopped) return;
        failures++;
      }
      if (this.stopped) return;
      this.onStatus('reconnecting');
      if (failures > 0) {
        const ceiling = Math.min(10_000, 500 * 2 ** (failures - 1));
        await new Promise((r) => setTimeout(r, Math.random() * ceiling));
      }
    }
  }
}
