import { Client, type Notification } from 'pg';
import type { Logger } from 'pino';
import type { BusEvent, EventBus, PayloadFilter } from './event-bus';
import { LocalTopics } from './local-topics';

export const EVENT_CHANNEL = 'hnp_events';
// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_NOTIFY_BYTES = 7900;

/**
 * Fan-out across instances: every event goes through NOTIFY (also back to this instance, so all
 * instances see one order), one LISTEN connection per instance delivers to local subscribers.
 */
export class PostgresEventBus implements EventBus {
  readonly topics = new LocalTopics();
  private listener: Client | undefined;
  private publisher: Client | undefined;
  private closed = false;
  /** NOTIFYs go out one after the other on the publisher connection (pg clients run one query at a time). */
  private publishing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connectionString: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.publisher = await this.connectPublisher();
    await this.listen();
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.connectionString, application_name: 'hnp-graphql-events' });
    await client.connect();
    return client;
  }

  /**
   * Without an 'error' listener a terminated idle connection crashes the process; a dead publisher is
   * dropped and the next publish connects again.
   */
  private async connectPublisher(): Promise<Client> {
    const client = await this.connect();
    const lost = (error?: Error) => {
      if (this.publisher !== client) return;
      this.publisher = undefined;
      client.end().catch(() => undefined);
      if (!this.closed) this.log.warn({ err: error }, 'event NOTIFY connection lost; the next event reconnects');
    };
    client.on('error', lost);
    client.on('end', () => lost());
    return client;
  }

  private async listen(): Promise<void> {
    const client = await this.connect();
    const lost = (error?: Error) => {
      if (this.listener !== client || this.closed) return;
      this.log.error({ err: error }, 'event LISTEN connection failed; reconnecting');
      void this.reconnect();
    };
    client.on('notification', (message: Notification) => this.onNotification(message));
    client.on('error', lost);
    // A cut connection may end without an error event.
    client.on('end', () => lost());
    try {
      await client.query(`LISTEN ${EVENT_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    this.listener = client;
  }

  private async reconnect(): Promise<void> {
    const dead = this.listener;
    this.listener = undefined;
    await dead?.end().catch(() => undefined);
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.listen();
        this.log.info({ attempt }, 'event LISTEN connection re-established');
        return;
      } catch (error) {
        this.log.warn({ err: error, attempt }, 'event LISTEN reconnect failed');
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * attempt)));
      }
    }
  }

  private onNotification(message: Notification): void {
    if (message.channel !== EVENT_CHANNEL || !message.payload) return;
    try {
      const event = JSON.parse(message.payload) as BusEvent;
      this.topics.deliver(event.topics, event.payload);
    } catch (error) {
      this.log.error({ err: error }, 'unreadable event notification');
    }
  }

  async publish(event: BusEvent): Promise<void> {
    const text = JSON.stringify(event);
    if (Buffer.byteLength(text) > MAX_NOTIFY_BYTES) {
      throw new Error(`event for ${event.topics.join(',')} is ${Buffer.byteLength(text)} bytes; events must stay under ${MAX_NOTIFY_BYTES}`);
    }
    if (this.closed) throw new Error('event bus is closed');
    const sent = this.publishing.then(async () => {
      this.publisher ??= await this.connectPublisher();
      return this.publisher.query('select pg_notify($1, $2)', [EVENT_CHANNEL, text]);
    });
    this.publishing = sent.catch(() => undefined);
    await sent;
  }

  subscribe<T>(topics: string[], accepts?: PayloadFilter): AsyncIterableIterator<T> {
    return this.topics.subscribe<T>(topics, accepts);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.topics.closeAll();
    await Promise.all([this.listener?.end().catch(() => undefined), this.publisher?.end().catch(() => undefined)]);
  }
}
