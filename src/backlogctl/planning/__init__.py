"""Resource allocation: the plan that fits the capacity, and calibration of estimates.

`plan.make_plan` chooses the items (an integer program solved by HiGHS in
`solver`), `stability` re-plans under perturbed scores, and `calibrate` reads
git history for how long delivered items took against their estimates.
Nothing here imports the solver until a plan is solved.
"""
