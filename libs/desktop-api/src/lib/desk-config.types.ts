// What the desk needs of the configuration, disposition codes and standard responses (libs/gateway's config,
// dispositions and standard-responses routes), as the desktop reads and sends them.

/** GET /api/config. */
export interface DeskConfig {
  /** The router's wrap-up after done (ms); 0: none. */
  wrapUpMs: number;
  noteMaxLength: number;
  dispositionMaxLength: number;
  /** What standard responses may use, as {{name}}. */
  placeholders: string[];
  attachmentsSupported: boolean;
}

export interface DispositionCode {
  code: string;
  label: string;
  /** No longer accepted on done; listed so history can show its label. */
  retired: boolean;
}

/** GET /api/dispositions?brand=: a brand's codes, and whether done requires one. */
export interface BrandDispositions {
  /** The brand's username (lower-case). */
  brand: string;
  brandAccountId?: string;
  required: boolean;
  codes: DispositionCode[];
}

/** A reply from the library (GET /api/standard-responses?q=&brand=&language=&category=&limit=). */
export interface StandardResponse {
  id: string;
  title: string;
  text: string;
  /** null: every brand. */
  brand: string | null;
  language: string;
  category: string;
  placeholders: string[];
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** POST /api/standard-responses/:id/render. */
export interface RenderStandardResponseRequest {
  interactionId: string;
}

/** The text with its placeholders filled for the interaction, and the values used. */
export interface RenderedStandardResponse {
  text: string;
  values: Record<string, string>;
}

/** POST /api/standard-responses (supervisors, admins). */
export interface CreateStandardResponseRequest {
  title: string;
  /** May use only the placeholders of DeskConfig.placeholders, as {{name}}. */
  text: string;
  /** A brand's username; null or absent: every brand. */
  brand?: string | null;
  language: string;
  category: string;
}

/** PATCH /api/standard-responses/:id: the fields that change. */
export type UpdateStandardResponseRequest = Partial<CreateStandardResponseRequest>;

/** POST /api/dispositions/:brand/codes (supervisors, admins). */
export interface CreateDispositionCodeRequest {
  code: string;
  label: string;
}

/** PATCH /api/dispositions/:brand/codes/:code: rename (label), retire or restore (retired). */
export interface UpdateDispositionCodeRequest {
  label?: string;
  retired?: boolean;
}

/** PUT /api/dispositions/:brand/settings. */
export interface DispositionSettingsRequest {
  required: boolean;
}
