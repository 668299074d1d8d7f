import { caseNumberOf, placeholdersIn, renderStandardResponse, unknownPlaceholders } from './standard-response-template.util';

describe('standard response placeholders', () => {
  it('fills every placeholder, spaces inside the braces allowed, each occurrence', () => {
    const result = renderStandardResponse('Hi {{customer.name}} ({{ customer.handle }}), {{agent.name}} here about {{case.number}}. Thanks {{customer.name}}!', {
      'customer.name': 'Maria',
      'customer.handle': '@maria',
      'agent.name': 'Alice',
      'case.number': 'P-3F2A9C01',
    });
    expect(result).toEqual({
      ok: true,
      text: 'Hi Maria (@maria), Alice here about P-3F2A9C01. Thanks Maria!',
      values: { 'customer.name': 'Maria', 'customer.handle': '@maria', 'agent.name': 'Alice', 'case.number': 'P-3F2A9C01' },
    });
  });

  it('names every placeholder it cannot fill (missing, blank or unknown) and fills none', () => {
    expect(renderStandardResponse('Hi {{customer.name}}, {{agent.name}} {{customer.email}}', { 'customer.name': '  ', 'agent.name': 'Alice' })).toEqual({
      ok: false,
      unfilled: ['customer.name', 'customer.email'],
    });
  });

  it('lists the placeholders a text uses and the unknown ones, once each', () => {
    expect(placeholdersIn('{{a}} {{ b }} {{a}} {single}')).toEqual(['a', 'b']);
    expect(unknownPlaceholders('{{customer.name}} {{customer.email}} {{ case.number }} {{}}')).toEqual(['customer.email', '']);
  });

  it('gives an interaction a short stable case number from its id', () => {
    expect(caseNumberOf('3f2a9c01-7d4e-4b5a-9c3d-2e1f0a9b8c7d')).toBe('P-3F2A9C01');
    expect(caseNumberOf('3f2a9c01-7d4e-4b5a-9c3d-2e1f0a9b8c7d')).toBe(caseNumberOf('3f2a9c01-7d4e-4b5a-9c3d-2e1f0a9b8c7d'));
  });
});
