using Microsoft.Extensions.Options;

namespace EdgeMail.Smtp.Relay;

/// <summary>Source-generated validation of <see cref="RelayOptions"/> plus the checks attributes cannot say.</summary>
[OptionsValidator]
public sealed partial class RelayOptionsValidator : IValidateOptions<RelayOptions>
{
    /// <summary>The first problem as one line naming the key, or null.</summary>
    public static string? FirstProblem(RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new RelayOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            return "Relay: " + result.Failures.First();
        }

        if (options.FirstRetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.FirstRetryDelay)
        {
            return "Relay:FirstRetryDelay must be positive and at most Relay:MaxRetryDelay";
        }

        if (options.MaxQueueLifetime <= TimeSpan.Zero || options.ProbeInterval <= TimeSpan.Zero || options.ScanInterval <= TimeSpan.Zero || options.Timeout <= TimeSpan.Zero)
        {
            return "Relay:MaxQueueLifetime, Relay:ProbeInterval, Relay:ScanInterval and Relay:Timeout must be positive";
        }

        if (!string.IsNullOrEmpty(options.Username) && options.Password is null)
        {
            return "Relay:Password is needed with Relay:Username";
        }

        return null;
    }
}
