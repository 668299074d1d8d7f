/** A text agents insert into a reply or DM, its placeholders filled for the interaction. */
export interface StandardResponse {
  id: string;
  title: string;
  text: string;
  /** A brand's username (lower-case), or null for every brand. */
  brand: string | null;
  /** e.g. "en", "pt-BR". */
  language: string;
  category: string;
  createdBy: string;
  /** ms since epoch. */
  createdAt: number;
  updatedAt: number;
}

export interface StandardResponseSearch {
  /** Case-insensitive words matched against title and text (each word must appear in one of them). */
  q?: string;
  /** The brands the caller may use; `*` for all. Brand-less responses are always included. */
  brands: readonly string[] | '*';
  /** Only this brand's responses (and the brand-less ones). */
  brand?: string;
  language?: string;
  category?: string;
  /** Default 50. */
  limit?: number;
}

export type StandardResponsePatch = Partial<Pick<StandardResponse, 'title' | 'text' | 'brand' | 'language' | 'category'>>;

/** The standard responses library: PostgreSQL (a server, or PGlite embedded) in the apps, memory in tests. */
export interface StandardResponseStore {
  /** By title, then id. */
  search(query: StandardResponseSearch): Promise<StandardResponse[]>;
  get(id: string): Promise<StandardResponse | undefined>;
  create(response: StandardResponse): Promise<StandardResponse>;
  update(id: string, patch: StandardResponsePatch, at: number): Promise<StandardResponse | undefined>;
  /** False when there was no such response. */
  remove(id: string): Promise<boolean>;
}
