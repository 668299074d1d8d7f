/** A brand account Perch answers from, with the user-context token its posts are made with. */
export interface BrandAccount {
  /** X's numeric user id, as a string. */
  id: string;
  username: string;
  /** Never logged (the platform logger redacts `*.token`). */
  token: string;
}
