/** One code an agent may close an interaction with. The code is what interactions keep; the label may change. */
export interface DispositionCode {
  code: string;
  label: string;
  /** No longer accepted on done; still shown for interactions closed with it. */
  retired: boolean;
}

/** A brand's codes, and whether done requires one. */
export interface BrandDispositions {
  /** The brand's username, lower-case. */
  brand: string;
  required: boolean;
  /** By code. */
  codes: DispositionCode[];
}

/**
 * Disposition codes per brand (supervisors manage them): PostgreSQL (a server, or PGlite embedded) in the apps,
 * memory in tests. Brands are lower-case usernames (the caller folds them).
 */
export interface DispositionStore {
  /** A brand with no codes and no setting: `{ required: false, codes: [] }`. */
  forBrand(brand: string): Promise<BrandDispositions>;
  /** ConflictError disposition-exists when the brand has the code. */
  addCode(brand: string, code: { code: string; label: string }, at: number): Promise<DispositionCode>;
  /** Undefined when the brand has no such code. */
  updateCode(brand: string, code: string, patch: { label?: string; retired?: boolean }, at: number): Promise<DispositionCode | undefined>;
  setRequired(brand: string, required: boolean, at: number): Promise<BrandDispositions>;
}
