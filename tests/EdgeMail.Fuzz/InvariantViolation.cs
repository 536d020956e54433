namespace EdgeMail.Fuzz;

/// <summary>A parser accepted an input but what it produced breaks a rule its callers rely on.</summary>
internal sealed class InvariantViolation(string message) : Exception(message)
{
    public static void Check(bool condition, string rule)
    {
        if (!condition)
        {
            throw new InvariantViolation(rule);
        }
    }
}
