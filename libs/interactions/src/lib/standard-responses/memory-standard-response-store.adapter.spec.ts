import { describeStandardResponseStoreContract } from '../testing/standard-response-store.contract';
import { MemoryStandardResponseStore } from './memory-standard-response-store.adapter';

describeStandardResponseStoreContract('memory', async () => ({ store: new MemoryStandardResponseStore(), dispose: async () => undefined }));
