import { type Provider, type Type } from '@nestjs/common';
import { MemoryContactStore, MemoryOutreachLedger } from '@perch/contacts';

import { type ContactsGatewayDeps } from './contacts-deps.types';
import { GATEWAY_CONTACTS } from './contacts-gateway.constants';
import { ContactsController } from './contacts.controller';
import { CustomerChannelsService } from './customer-channels.service';
import { CustomerHistoryService } from './customer-history.service';
import { DevMailboxController } from './dev-mailbox.controller';
import { InteractionChannelsController } from './interaction-channels.controller';

/** The contacts part of GatewayModule: its controllers (always declared, so the endpoint-auth spec sees them)… */
export const CONTACTS_CONTROLLERS: Type[] = [ContactsController, InteractionChannelsController, DevMailboxController];

/** …and its providers; without deps from the app, memory stores and no mail (email answers 409 mail-not-configured). */
export function contactsProviders(deps: ContactsGatewayDeps | undefined): Provider[] {
  return [
    { provide: GATEWAY_CONTACTS, useValue: deps ?? { store: new MemoryContactStore(), ledger: new MemoryOutreachLedger() } },
    CustomerHistoryService,
    CustomerChannelsService,
  ];
}
