namespace EdgeMail.Configuration;

/// <summary>A bad setting; the message is one line that names the key.</summary>
internal sealed class ConfigurationException(string message) : Exception(message);
