using Microsoft.Extensions.Options;

namespace EdgeMail.Smtp;

/// <summary>Source-generated validation of <see cref="SmtpOptions"/> plus the checks attributes cannot say.</summary>
[OptionsValidator]
public sealed partial class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    /// <summary>The first problem as one line naming the key, or null.</summary>
    public static string? FirstProblem(SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new SmtpOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            return "Smtp: " + result.Failures.First();
        }

        if (options.CommandTimeout <= TimeSpan.Zero || options.DataBlockTimeout <= TimeSpan.Zero)
        {
            return "Smtp:CommandTimeout and Smtp:DataBlockTimeout must be positive";
        }

        if (options.AuthDeadline < TimeSpan.FromSeconds(10) || options.AuthDeadline > TimeSpan.FromDays(1))
        {
            return $"Smtp:AuthDeadline must be between 00:00:10 and 1.00:00:00 (is {options.AuthDeadline})";
        }

        // At least one RFC 5321 §4.5.3.2.7 command timeout (5 minutes), so that the cap never cuts what the per-command
        // timeouts allow a normal session.
        if (options.SessionDeadline < TimeSpan.FromMinutes(5) || options.SessionDeadline > TimeSpan.FromDays(1))
        {
            return $"Smtp:SessionDeadline must be between 00:05:00 and 1.00:00:00 (is {options.SessionDeadline})";
        }

        foreach (var network in options.EffectiveTrustedNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                return $"Smtp:TrustedNetworks: '{network}' is not a network in CIDR notation (e.g. 192.168.1.0/24)";
            }
        }

        return null;
    }
}
