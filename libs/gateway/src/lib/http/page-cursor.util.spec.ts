import { ValidationFailedError } from '@perch/platform';

import { decodeTimeIdCursor, encodeTimeIdCursor, pageOf, pageSize } from './page-cursor.util';

describe('page cursors', () => {
  it('gives back the time and id a cursor was made from', () => {
    expect(decodeTimeIdCursor(encodeTimeIdCursor(1_700_000_000_000, 'a1'))).toEqual({ at: 1_700_000_000_000, id: 'a1' });
  });

  it.each(['not-base64-json', encodeTimeIdCursor(1, 'x').slice(2), Buffer.from('["later", "x"]').toString('base64url')])(
    'refuses %s as a 400 naming cursor',
    (cursor) => {
      expect(() => decodeTimeIdCursor(cursor)).toThrow(ValidationFailedError);
      try {
        decodeTimeIdCursor(cursor);
      } catch (error: unknown) {
        expect((error as ValidationFailedError).problems.map((problem) => problem.field)).toEqual(['cursor']);
      }
    },
  );

  it('keeps the page size within 1 and the maximum, with the default when none is asked', () => {
    expect([pageSize(undefined, 20, 100), pageSize(0, 20, 100), pageSize(500, 20, 100), pageSize(7, 20, 100)]).toEqual([20, 1, 100, 7]);
  });

  it('cuts rows read one beyond the limit and names where the next page starts', () => {
    expect(pageOf([1, 2, 3], 2, (last) => `after-${last}`)).toEqual({ items: [1, 2], nextCursor: 'after-2' });
  });

  it('gives no next cursor on the last page', () => {
    expect(pageOf([1, 2], 2, (last) => `after-${last}`)).toEqual({ items: [1, 2] });
  });
});
