import type { BusEvent, EventBus, PayloadFilter } from './event-bus';
import { LocalTopics } from './local-topics';

/** Single-process fan-out (embedded mode). */
export class MemoryEventBus implements EventBus {
  readonly topics = new LocalTopics();

  async publish(event: BusEvent): Promise<void> {
    this.topics.deliver(event.topics, event.payload);
  }

  subscribe<T>(topics: string[], accepts?: PayloadFilter): AsyncIterableIterator<T> {
    return this.topics.subscribe<T>(topics, accepts);
  }

  async close(): Promise<void> {
    this.topics.closeAll();
  }
}
