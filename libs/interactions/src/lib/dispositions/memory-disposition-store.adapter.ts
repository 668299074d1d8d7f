import { ConflictError } from '@perch/platform';

import { InteractionErrorCode } from '../interactions.errors';
import { type BrandDispositions, type DispositionCode, type DispositionStore } from './disposition-store.port';

/** DispositionStore in this process, for tests; same behaviour as SqlDispositionStore. */
export class MemoryDispositionStore implements DispositionStore {
  private readonly codes = new Map<string, Map<string, DispositionCode>>();
  private readonly required = new Map<string, boolean>();

  async forBrand(brand: string): Promise<BrandDispositions> {
    const codes = [...(this.codes.get(brand)?.values() ?? [])].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    return { brand, required: this.required.get(brand) ?? false, codes: codes.map((code) => ({ ...code })) };
  }

  async addCode(brand: string, code: { code: string; label: string }, _at: number): Promise<DispositionCode> {
    const brandCodes = this.codes.get(brand) ?? new Map<string, DispositionCode>();
    if (brandCodes.has(code.code)) {
      throw new ConflictError<InteractionErrorCode>(`@${brand} has the code ${code.code} already`, InteractionErrorCode.DispositionExists, { code: code.code });
    }
    const added: DispositionCode = { code: code.code, label: code.label, retired: false };
    brandCodes.set(code.code, added);
    this.codes.set(brand, brandCodes);
    return { ...added };
  }

  async updateCode(brand: string, code: string, patch: { label?: string; retired?: boolean }, _at: number): Promise<DispositionCode | undefined> {
    const current = this.codes.get(brand)?.get(code);
    if (!current) return undefined;
    if (patch.label !== undefined) current.label = patch.label;
    if (patch.retired !== undefined) current.retired = patch.retired;
    return { ...current };
  }

  async setRequired(brand: string, required: boolean, _at: number): Promise<BrandDispositions> {
    this.required.set(brand, required);
    return this.forBrand(brand);
  }
}
