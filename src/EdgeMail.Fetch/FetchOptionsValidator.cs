using Microsoft.Extensions.Options;

namespace EdgeMail.Fetch;

/// <summary>Source-generated validation of <see cref="FetchOptions"/> plus the checks attributes cannot say.</summary>
[OptionsValidator]
public sealed partial class FetchOptionsValidator : IValidateOptions<FetchOptions>
{
    /// <summary>The first problem as one line naming the key, or null.</summary>
    public static string? FirstProblem(FetchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new FetchOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            return "Fetch: " + result.Failures.First();
        }

        if (options.FirstRetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.FirstRetryDelay)
        {
            return "Fetch:FirstRetryDelay must be positive and at most Fetch:MaxRetryDelay";
        }

        if (options.AlertAfter <= TimeSpan.Zero || options.Timeout <= TimeSpan.Zero || options.IdleRefresh <= TimeSpan.Zero)
        {
            return "Fetch:AlertAfter, Fetch:Timeout and Fetch:IdleRefresh must be positive";
        }

        return null;
    }
}
