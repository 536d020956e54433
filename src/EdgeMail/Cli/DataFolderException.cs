namespace EdgeMail.Cli;

/// <summary>The data folder cannot be used as asked (missing, a file, not writable); the message is one line.</summary>
internal sealed class DataFolderException(string message) : Exception(message);
