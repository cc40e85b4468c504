// vectors.mjs is a test worker for edge/workerd's TestHostCryptoWycheproof:
// it runs hostcrypto.mjs's verifySignature on workerd over the vectors it is
// POSTed ([{alg, a, b, msg, sig}], byte strings in standard base64) and
// answers the results in order.
import { verifySignature } from "./hostcrypto.mjs";

const dec = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export default {
  async fetch(request) {
    const vectors = await request.json();
    return Response.json(vectors.map((v) => verifySignature(v.alg, dec(v.a), dec(v.b), dec(v.msg), dec(v.sig))));
  },
};
