import { MemoryOutreachLedger } from '../outreach/memory-outreach-ledger.adapter';
import { describeContactStoreContract } from '../testing/contact-store.contract';
import { describeOutreachLedgerContract } from '../testing/outreach-ledger.contract';
import { MemoryContactStore } from './memory-contact-store.adapter';

describeContactStoreContract('memory', async () => ({ store: new MemoryContactStore(), dispose: async () => undefined }));
describeOutreachLedgerContract('memory', async () => ({ ledger: new MemoryOutreachLedger(), dispose: async () => undefined }));
