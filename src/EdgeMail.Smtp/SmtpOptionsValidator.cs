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
