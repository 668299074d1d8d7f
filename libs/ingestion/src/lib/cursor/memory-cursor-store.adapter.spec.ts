import { describeCursorStoreContract } from '../testing/cursor-store.contract';
import { MemoryCursorStore } from './memory-cursor-store.adapter';

describeCursorStoreContract('memory', () => new MemoryCursorStore());
