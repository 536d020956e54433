namespace EdgeMail.Testing.Tools;

/// <summary>A tool a test needs is not installed: the test fails and names the Debian package, never skips.</summary>
public sealed class MissingToolException(string message) : Exception(message);
