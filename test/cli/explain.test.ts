/**
 * Every custom error of the project's contracts is explained to the CLI's user: what happened and how to
 * fix it, never the generic "the contract refused" fallback. (OpenZeppelin's own errors are excluded
 * except the access-control one the CLI can meet.)
 */
import { expect } from "chai";
import { Interface, type InterfaceAbi } from "ethers";
import { explain } from "../../verifier/chain.ts";
import { loadArtifact } from "../../verifier/contracts.ts";

const LIBRARY_ERROR = /^(SafeERC20|SafeCast|ReentrancyGuard|ERC20|AccessControlBadConfirmation)/;

describe("CLI: every contract error is explained", function () {
  for (const name of ["SolvencyGate", "MarginVenue", "PriceOracle", "RiskRegistry"]) {
    it(`explains each of ${name}'s custom errors`, function () {
      const errors: string[] = [];
      new Interface(loadArtifact(name).abi as InterfaceAbi).forEachError((e) => {
        if (!LIBRARY_ERROR.test(e.name)) errors.push(e.name);
      });
      expect(errors.length).to.be.greaterThan(0);
      const args = [1n, 2n, 3n, 4n];
      const generic = errors.filter((n) => /the contract refused/.test(explain(n, args).problem));
      expect(generic, `errors without an explanation in verifier/chain.ts`).to.deep.equal([]);
      for (const n of errors) expect(explain(n, args).fix, n).to.not.match(/NatSpec/);
    });
  }

  it("explains the lien and ordering refusals with their values", function () {
    expect(explain("NonceNotNext", [5n, 2n])).to.deep.include({ problem: "nonce 5 is not the account's next nonce 2", fix: "prove again with --nonce 2, or with --rpc to read it" });
    expect(explain("AttestationBelowFloor", [100n, 200n]).problem).to.match(/attestation of 100 .* below the attester's floor 200/);
    expect(explain("LiabilityBelowDebt", [1n, 2n]).problem).to.match(/states a liability of 1 value units, below the venue's debt of 2/);
    expect(explain("RoundSuperseded", [3n, 1700000000n, 300n]).problem).to.match(/round 3 was superseded at 1700000000 \(2023-11-14T22:13:20\.000Z\) .* only 300s after/);
  });
});
