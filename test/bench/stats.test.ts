import { expect } from "chai";
import fc from "fast-check";
import { median, leastSquares, predict, formula } from "../../benchmark/stats.ts";

describe("benchmark statistics", () => {
  it("takes the middle value, or the mean of the two middle values", () => {
    expect(median([5])).to.equal(5);
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(() => median([])).to.throw(/no values/);
  });

  it("does not reorder the caller's array", () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).to.deep.equal([3, 1, 2]);
  });

  it("recovers the coefficients of points that lie on a plane", () => {
    fc.assert(fc.property(
      fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -500, max: 500 }), fc.integer({ min: -500, max: 500 }),
      (c0, cN, cM) => {
        const pts = [[4, 2], [16, 4], [64, 8], [96, 8]].map(([n, m]) => ({ x: [n!, m!], y: c0 + cN * n! + cM * m! }));
        const fit = leastSquares(["assets", "positions"], pts);
        expect(fit.intercept).to.be.closeTo(c0, 1e-6);
        expect(fit.coefficients[0]).to.be.closeTo(cN, 1e-6);
        expect(fit.coefficients[1]).to.be.closeTo(cM, 1e-6);
        expect(predict(fit, [32, 6])).to.be.closeTo(c0 + cN * 32 + cM * 6, 1e-6);
      }));
  });

  it("fits the line that minimises the squared error, with R² below 1 for scattered points", () => {
    const fit = leastSquares(["x"], [{ x: [0], y: 0 }, { x: [1], y: 2 }, { x: [2], y: 2 }]);
    // slope = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)² = 2/2 = 1; intercept = ȳ − x̄ = 4/3 − 1
    expect(fit.coefficients[0]).to.be.closeTo(1, 1e-12);
    expect(fit.intercept).to.be.closeTo(1 / 3, 1e-12);
    expect(fit.r2).to.be.closeTo(0.75, 1e-12);
  });

  it("refuses a fit the points do not determine", () => {
    expect(() => leastSquares(["x"], [{ x: [1], y: 1 }])).to.throw(/at least 2 points/);
    expect(() => leastSquares(["x"], [{ x: [3], y: 1 }, { x: [3], y: 2 }])).to.throw(/not determined/);
    expect(() => leastSquares(["a", "b"], [1, 2, 3].map((n) => ({ x: [n, 2 * n], y: n })))).to.throw(/not determined/);
  });

  it("prints a fit as a formula with signed terms", () => {
    const fit = leastSquares(["assets", "positions"], [[1, 1], [2, 1], [1, 2]].map(([n, m]) => ({ x: [n!, m!], y: 100 + 25 * n! - 3 * m! })));
    expect(formula(fit, "constraints")).to.equal("constraints ≈ 100 + 25·assets − 3·positions");
  });
});
