// A real OpenID Connect provider on loopback, for the sign-in browser test only
// (tests/test_oidc_browser.py): panva's oidc-provider, an OpenID Certified
// implementation, with one client and its development login page, which takes any
// login. The login is the account's e-mail address; a login ending in "#unverified"
// gives that address with email_verified false.
//
//   node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const UNVERIFIED = '#unverified';

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [redirectUri],  // Streamlit's st.logout comes back there
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: {openid: ['sub'], email: ['email', 'email_verified'], profile: ['name']},
  // Streamlit reads the ID token's claims only: put the scopes' claims in it, as
  // Google and Microsoft do.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const unverified = id.endsWith(UNVERIFIED);
    const email = unverified ? id.slice(0, -UNVERIFIED.length) : id;
    return {
      accountId: id,
      async claims() {
        return {sub: id, email, email_verified: !unverified, name: email};
      },
    };
  },
  cookies: {keys: ['a throwaway key for a loopback test provider']},
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`ready on ${port}`));
