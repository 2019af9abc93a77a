namespace KataArgo.Lint.Tests;

public class WhenExpressionTests
{
    [Theory]
    [InlineData("{{workflow.parameters.dry-run}} == false && {{steps.select-nodes.outputs.parameters.node-count}} > 0")]
    [InlineData("'{{steps.flip.outputs.result}}' == 'heads'")]
    [InlineData("!({{a}} < 3 || {{b}} >= 2.5)")]
    [InlineData("'{{x}}' =~ '^v[0-9]+'")]
    public void Expressions_argo_can_evaluate_parse(string expression) => Assert.Null(WhenExpression.Check(expression));

    [Theory]
    [InlineData("{{a}} == yes", "bare word 'yes'")]
    [InlineData("{{a}} ==", "the expression ends too early")]
    [InlineData("({{a}} == 1", "a '(' is not closed")]
    [InlineData("{{a}} = 1", "cannot read '='")]
    [InlineData("", "the expression is empty")]
    [InlineData("{{a}} == 1 )", "unexpected ')'")]
    public void Expressions_argo_cannot_evaluate_are_explained(string expression, string expected) =>
        Assert.StartsWith(expected, WhenExpression.Check(expression));
}
