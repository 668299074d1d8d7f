import { ConflictError, NotFoundError } from '@perch/platform';

import { ContactErrorCode } from '../contacts.errors';

export function notFound(id: string): NotFoundError<ContactErrorCode> {
  return new NotFoundError<ContactErrorCode>(`Contact ${id} not found`, ContactErrorCode.NotFound, { contactId: id });
}

export function changed(id: string, version: number): ConflictError<ContactErrorCode> {
  return new ConflictError<ContactErrorCode>(`Contact ${id} was changed by someone else (now version ${version}): read it again`, ContactErrorCode.Changed, {
    contactId: id,
    version,
  });
}

export function xUserTaken(xUserId: string, contactId: string): ConflictError<ContactErrorCode> {
  return new ConflictError<ContactErrorCode>(`Another contact already has X user ${xUserId}`, ContactErrorCode.XUserTaken, { xUserId, contactId });
}
