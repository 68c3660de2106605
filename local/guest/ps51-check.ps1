# Checks that PowerShell scripts parse and use nothing Windows PowerShell 5.1 lacks (Run Command runs
# powershell.exe 5.1). Run it under pwsh 7, whose parser knows the newer syntax and can point at it.
# Usage: pwsh -File ps51-check.ps1 <file> [<file> ...]. Prints one JSON array of findings: {file, line, rule, text}; an empty array means the files are fine.
param(
  [Parameter(Mandatory = $true, Position = 0, ValueFromRemainingArguments = $true)][string[]]$Path
)

$ErrorActionPreference = 'Stop'
$findings = New-Object System.Collections.ArrayList

# Cmdlets that exist only in PowerShell 6 and later.
$newCmdlets = @('Test-Json', 'Join-String', 'Get-Error', 'ConvertFrom-Markdown', 'Show-Markdown', 'Get-MarkdownOption',
  'Set-MarkdownOption', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'Get-ExperimentalFeature',
  'Enable-ExperimentalFeature', 'Disable-ExperimentalFeature', 'Update-List')
# Parameters that exist only in PowerShell 6 and later, by cmdlet.
$newParameters = @{
  'ConvertFrom-Json' = @('AsHashtable', 'Depth', 'NoEnumerate', 'DateKind')
  'ConvertTo-Json' = @('AsArray', 'EnumsAsStrings', 'EscapeHandling')
  'ForEach-Object' = @('Parallel', 'ThrottleLimit', 'TimeoutSeconds', 'AsJob', 'UseNewRunspace')
  'Get-Content' = @('AsByteStream')
  'Set-Content' = @('AsByteStream')
  'Add-Content' = @('AsByteStream')
  'Get-Date' = @('AsUTC', 'UnixTimeSeconds')
  'Select-Object' = @('SkipIndex')
  'Sort-Object' = @('Stable', 'Top', 'Bottom')
  'Invoke-WebRequest' = @('SkipCertificateCheck', 'Authentication', 'Token', 'SslProtocol', 'Resume', 'SkipHttpErrorCheck')
  'Invoke-RestMethod' = @('SkipCertificateCheck', 'Authentication', 'Token', 'SslProtocol', 'ResponseHeadersVariable', 'StatusCodeVariable')
  'Split-Path' = @('Extension', 'LeafBase')
  'Test-Connection' = @('TcpPort', 'Ping', 'Traceroute', 'MtuSize', 'TimeoutSeconds')
  'Out-File' = @('NoNewline')
}
# Encodings 5.1 does not know (it has Unicode, UTF7, UTF8 with BOM, UTF32, ASCII, BigEndianUnicode, Default, OEM).
$newEncodings = @('utf8NoBOM', 'utf8BOM', 'ansi', 'latin1', 'bigendianutf32')

function Add-Finding([string]$File, $Extent, [string]$Rule) {
  $text = [string]$Extent.Text
  if ($text.Length -gt 80) { $text = $text.Substring(0, 80) }
  [void]$findings.Add([ordered]@{ file = $File; line = [int]$Extent.StartLineNumber; rule = $Rule; text = $text })
}

foreach ($file in $Path) {
  $full = (Resolve-Path -LiteralPath $file).ProviderPath
  $tokens = $null
  $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseFile($full, [ref]$tokens, [ref]$errors)
  foreach ($e in @($errors)) { if ($null -ne $e) { Add-Finding $file $e.Extent "parse-error: $($e.Message)" } }

  # Without a BOM, Windows PowerShell 5.1 reads a script in the ANSI code page: keep scripts ASCII.
  $bytes = [System.IO.File]::ReadAllBytes($full)
  for ($i = 0; $i -lt $bytes.Length; $i++) {
    if ($bytes[$i] -gt 127) {
      $line = 1
      for ($j = 0; $j -lt $i; $j++) { if ($bytes[$j] -eq 10) { $line++ } }
      [void]$findings.Add([ordered]@{ file = $file; line = $line; rule = 'non-ascii'; text = "byte 0x{0:x2}" -f $bytes[$i] })
      break
    }
  }

  foreach ($token in @($tokens)) {
    if ($token.Kind -eq 'StringExpandable' -and $token.Text -match '`u\{') { Add-Finding $file $token.Extent 'unicode-escape' }
  }

  $nodes = $ast.FindAll({ $true }, $true)
  foreach ($node in $nodes) {
    $type = $node.GetType().Name
    switch ($type) {
      'TernaryExpressionAst' { Add-Finding $file $node.Extent 'ternary' }
      'PipelineChainAst' { Add-Finding $file $node.Extent 'pipeline-chain' }
      'TypeDefinitionAst' { Add-Finding $file $node.Extent 'class-or-enum' }
      'UsingStatementAst' { Add-Finding $file $node.Extent 'using-statement' }
      'BinaryExpressionAst' {
        if ([string]$node.Operator -eq 'QuestionQuestion') { Add-Finding $file $node.Extent 'null-coalescing' }
        if (@('Replace', 'Ireplace', 'Creplace') -contains [string]$node.Operator) {
          $right = $node.Right
          if ($right -is [System.Management.Automation.Language.ArrayLiteralAst]) {
            foreach ($element in $right.Elements) {
              if ($element -is [System.Management.Automation.Language.ScriptBlockExpressionAst]) { Add-Finding $file $node.Extent 'replace-scriptblock' }
            }
          }
        }
      }
      'AssignmentStatementAst' {
        if ([string]$node.Operator -eq 'QuestionQuestionEquals') { Add-Finding $file $node.Extent 'null-coalescing-assignment' }
      }
      'MemberExpressionAst' { if ($node.NullConditional) { Add-Finding $file $node.Extent 'null-conditional' } }
      'InvokeMemberExpressionAst' { if ($node.NullConditional) { Add-Finding $file $node.Extent 'null-conditional' } }
      'IndexExpressionAst' { if ($node.NullConditional) { Add-Finding $file $node.Extent 'null-conditional' } }
      'PipelineAst' { if ($node.Background) { Add-Finding $file $node.Extent 'background-operator' } }
      'ScriptBlockAst' { if ($null -ne $node.CleanBlock) { Add-Finding $file $node.CleanBlock.Extent 'clean-block' } }
      'CommandAst' {
        $name = $node.GetCommandName()
        if ($null -eq $name) { continue }
        if ($name -eq '%' -or $name -eq 'foreach') { $name = 'ForEach-Object' }
        if ($newCmdlets -contains $name) { Add-Finding $file $node.Extent "cmdlet-7:$name" }
        $parameters = $newParameters[$name]
        $previous = $null
        foreach ($element in $node.CommandElements) {
          if ($element -is [System.Management.Automation.Language.CommandParameterAst]) {
            foreach ($p in @($parameters)) {
              if ($null -ne $p -and $element.ParameterName -ieq $p) { Add-Finding $file $element.Extent "parameter-7:$name -$p" }
            }
            $previous = $element.ParameterName
          } elseif ($previous -ieq 'Encoding' -and $newEncodings -contains ([string]$element.Extent.Text).Trim("'", '"')) {
            Add-Finding $file $element.Extent 'encoding-7'
            $previous = $null
          } else {
            $previous = $null
          }
        }
      }
    }
  }
}

Write-Output (ConvertTo-Json -InputObject @($findings.ToArray()) -Compress -Depth 4)
