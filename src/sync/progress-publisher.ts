import type { Logger } from 'pino';
import type { EventBus } from '../graphql/pubsub/event-bus';
import { FINAL_STATUSES, progressTopics, type OperationSnapshot } from './operation-snapshot';

export interface ProgressEvent {
  operation: OperationSnapshot;
  message: string;
  at: string;
}

interface Stream {
  lastSentAt: number;
  /** Events that must be delivered (stage changes, final status), oldest first. */
  queue: ProgressEvent[];
  /** The newest event that may be replaced by a newer one (plain progress/counter updates). */
  latest?: ProgressEvent;
  timer?: NodeJS.Timeout;
}

/**
 * Coalesces progress events to at most one per `intervalMs` per operation. Stage changes and the
 * final status are never dropped; intermediate progress updates are replaced by newer ones.
 */
export class ProgressPublisher {
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly intervalMs = 100,
  ) {}

  report(operation: OperationSnapshot, message: string, mustDeliver: boolean): void {
    const event: ProgressEvent = { operation, message, at: new Date().toISOString() };
    const stream = this.streams.get(operation.id) ?? { lastSentAt: 0, queue: [] };
    this.streams.set(operation.id, stream);
    if (FINAL_STATUSES.includes(operation.status)) {
      stream.queue.push(event);
      stream.latest = undefined;
      this.flushAll(operation.id, stream);
      return;
    }
    if (mustDeliver) {
      stream.queue.push(event);
      stream.latest = undefined;
    } else {
      stream.latest = event;
    }
    const wait = stream.lastSentAt + this.intervalMs - Date.now();
    if (wait <= 0 && !stream.timer) this.sendNext(operation.id, stream);
    else this.schedule(operation.id, stream, Math.max(wait, 0));
  }

  private schedule(id: string, stream: Stream, delay: number): void {
    if (stream.timer) return;
    stream.timer = setTimeout(() => {
      stream.timer = undefined;
      this.sendNext(id, stream);
      if (stream.queue.length > 0 || stream.latest) this.schedule(id, stream, this.intervalMs);
    }, delay);
  }

  private sendNext(id: string, stream: Stream): void {
    const event = stream.queue.shift() ?? stream.latest;
    if (!event) return;
    if (event === stream.latest) stream.latest = undefined;
    stream.lastSentAt = Date.now();
    this.publish(event);
  }

  private flushAll(id: string, stream: Stream): void {
    if (stream.timer) clearTimeout(stream.timer);
    for (const event of stream.queue) this.publish(event);
    this.streams.delete(id);
  }

  private publish(queued: ProgressEvent): void {
    // `at` is when the event leaves this instance; receivers measure delivery latency against it.
    const event = { ...queued, at: new Date().toISOString() };
    this.bus
      .publish({ topics: progressTopics(event.operation), payload: { kind: 'progress', ...event } })
      .catch((error: unknown) => this.log.error({ err: error, operationId: event.operation.id }, 'failed to publish a progress event'));
  }
}
