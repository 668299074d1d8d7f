import { describe, expect, it } from 'vitest';

import { createFormProblems, createUserRequest, EMPTY_CREATE_FORM, serverProblems } from './user-form.util';

describe('the create-user form', () => {
  it('names the fields it can check before sending', () => {
    expect(createFormProblems({ ...EMPTY_CREATE_FORM, id: 'nina costa', password: 'short', capacity: '0' })).toEqual({
      id: expect.any(String),
      password: expect.any(String),
      capacity: expect.any(String),
    });
    expect(createFormProblems({ ...EMPTY_CREATE_FORM, id: 'nina', password: 'long enough', capacity: '3' })).toEqual({});
  });

  it('sends lists split on commas and spaces, and leaves empty optional fields out', () => {
    expect(createUserRequest({ ...EMPTY_CREATE_FORM, id: ' nina ', password: 'long enough', brands: 'acme_support, PerchAir', skills: 'billing=7 pt', capacity: '2' })).toEqual({
      id: 'nina',
      password: 'long enough',
      role: 'agent',
      capacity: 2,
      brands: ['acme_support', 'PerchAir'],
      skills: ['billing=7', 'pt'],
    });
    expect(createUserRequest({ ...EMPTY_CREATE_FORM, id: 'sam', password: 'long enough', role: 'supervisor' })).toEqual({ id: 'sam', password: 'long enough', role: 'supervisor', capacity: 1 });
  });

  it("reads the gateway's 400 as a problem per field", () => {
    expect(serverProblems({ code: 'validation-failed', details: { problems: [{ field: 'brands.0', messages: ['bad brand'] }, { field: 'id', messages: ['taken', 'too long'] }] } })).toEqual({
      brands: 'bad brand',
      id: 'taken; too long',
    });
    expect(serverProblems({ code: 'validation-failed', problems: [{ field: 'password', messages: ['too short'] }] })).toEqual({ password: 'too short' });
    expect(serverProblems(null)).toEqual({});
  });
});
