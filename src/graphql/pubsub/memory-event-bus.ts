import type { BusEvent, EventBus } from './event-bus';
import { LocalTopics } from './local-topics';

/** Single-process fan-out (embedded mode). */
export class MemoryEventBus implements EventBus {
  readonly topics = new LocalTopics();

  async publish(event: BusEvent): Promise<void> {
    this.topics.deliver(event.topics, event.payload);
  }

  subscribe<T>(topics: string[]): AsyncIterableIterator<T> {
    return this.topics.subscribe<T>(topics);
  }

  async close(): Promise<void> {
    this.topics.closeAll();
  }
}
