namespace EdgeMail.Fuzz;

/// <summary>
/// One parser a stranger can reach, fed with one input. <see cref="Run"/> catches only the exceptions the parser
/// documents for bad input (its ProtocolException or parse exception); anything else escaping it, an
/// <see cref="InvariantViolation"/>, or a run that does not end, is a finding.
/// </summary>
internal sealed record FuzzTarget(string Name, string Summary, Action<byte[]> Run);
