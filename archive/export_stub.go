package archive

const (
	zipComment = "turnkeyd archive export of period "
	summaryDir = "summary"
)
