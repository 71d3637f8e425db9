/** Demo accounts of the embedded authorization server (src/idp/accounts.ts). */
export interface Account {
  username: string;
  password: string;
  /** The `name` claim, which the tracker's header shows. */
  name: string;
}

export const JANE: Account = { username: 'janedoe', password: 'jane-demo-pass', name: 'Jane Doe' };
export const LARS: Account = {
  username: 'larseriksson',
  password: 'lars-demo-pass',
  name: 'Lars Eriksson',
};
export const ADMIN: Account = {
  username: 'admin',
  password: 'admin-demo-pass',
  name: 'Session Administrator',
};

/** Labels of the demo web clients `www` and `www2`, as the tracker's client picker lists them. */
export const WEB_SHOP = 'Web shop (www)';
export const PARTNER_PORTAL = 'Partner portal (www2)';
