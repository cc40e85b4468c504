package bench

import "github.com/tollgate/tollgate/bench/resultsfmt"

// The results file format lives in package resultsfmt, which the report
// generator (bench/cmd/report, a module of its own) imports too; these are
// its types under the names package bench has always used.

// SchemaVersion is the version of the results file format; the report
// generator refuses files of another version.
const SchemaVersion = resultsfmt.SchemaVersion

type (
	Results       = resultsfmt.Results
	GoResults     = resultsfmt.GoResults
	ProxyRun      = resultsfmt.ProxyRun
	IssuerRun     = resultsfmt.IssuerRun
	StoreCheck    = resultsfmt.StoreCheck
	CodeFlowStats = resultsfmt.CodeFlowStats
	Machine       = resultsfmt.Machine
	Module        = resultsfmt.Module
	Latency       = resultsfmt.Latency
	WrkResult     = resultsfmt.WrkResult
	GoBenchmark   = resultsfmt.GoBenchmark
	GoSkip        = resultsfmt.GoSkip
	BoltState     = resultsfmt.BoltState
)
