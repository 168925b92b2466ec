import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChineseNumber } from './chinese-numerals.ts';
import { bestFields, extractFields, type ExtractedField } from './extract.ts';
import {
  creditCodeCheckChar,
  isValidCreditCode,
  isValidProjectCode,
  isValidResidentId,
  maskResidentId,
} from './identifiers.ts';

const of = (fields: ExtractedField[], name: ExtractedField['field']) =>
  fields.filter((f) => f.field === name);

const DOC = `秘密★1年
呼和浩特市行政审批和政务服务局文件
呼审批发〔2024〕17号
关于内蒙古某某建设有限公司某某项目
建设工程规划许可的批复
内蒙古某某建设有限公司：
你公司（统一社会信用代码：914403001922038216）报来的申请及项目代码２０１９－１５０１００－４７－０１－０１２３４５收悉。根据呼审批规字[2023]5号文件，项目总投资1,200.5万元，其中财政资金人民币壹佰贰拾万元整。
项目地址：呼和浩特市赛罕区敕勒川大街15号
联系人身份证号：11010519491231002X，电话：0471-6601234，手机13912345678。
建设工程规划许可证号：建字第150100202400123号
保管期限：永久
呼和浩特市行政审批和政务服务局
二〇二四年三月五日`;

describe('identifier checks', () => {
  it('accepts a unified social credit code whose GB 32100-2015 check character is right', () => {
    assert.equal(creditCodeCheckChar('91440300192203821'), '6');
    assert.equal(isValidCreditCode('914403001922038216'), true);
  });
  it('rejects a credit code with a wrong check character or a letter outside the alphabet', () => {
    assert.equal(isValidCreditCode('914403001922038217'), false);
    assert.equal(isValidCreditCode('91440300192203821I'), false);
    assert.equal(isValidCreditCode('9144030019220382'), false);
  });
  it('checks resident ids by check digit and birth date, and masks them', () => {
    assert.equal(isValidResidentId('11010519491231002X'), true);
    assert.equal(isValidResidentId('110105194912310021'), false);
    assert.equal(isValidResidentId('110105194913310027'), false); // month 13
    assert.equal(maskResidentId('11010519491231002X'), '110105********002X');
  });
  it('checks the shape of national investment project codes', () => {
    assert.equal(isValidProjectCode('2019-150100-47-01-012345'), true);
    assert.equal(isValidProjectCode('1899-150100-47-01-012345'), false);
  });
  it('reads Chinese numerals with units', () => {
    assert.equal(parseChineseNumber('二十三'), 23);
    assert.equal(parseChineseNumber('十五'), 15);
    assert.equal(parseChineseNumber('壹佰贰拾'), 120);
    assert.equal(parseChineseNumber('一亿二千万'), 120_000_000);
    assert.equal(parseChineseNumber('一千零五'), 1005);
    assert.equal(parseChineseNumber('二〇二四'), 2024);
  });
});

describe('field extraction from an approval document', () => {
  const fields = extractFields(DOC);
  const best = bestFields(fields);

  it('finds the document numbers in any bracket and normalises them', () => {
    assert.deepEqual(
      of(fields, 'docNumber').map((f) => f.value),
      ['呼审批发〔2024〕17号', '呼审批规字〔2023〕5号'],
    );
  });
  it('gives every value its position in the original text', () => {
    const doc = best.docNumber!;
    assert.equal(DOC.slice(doc.start, doc.end), '呼审批发〔2024〕17号');
    const project = of(fields, 'projectCode')[0]!;
    assert.equal(DOC.slice(project.start, project.end), '２０１９－１５０１００－４７－０１－０１２３４５');
    assert.equal(project.value, '2019-150100-47-01-012345');
  });
  it('reads title, issuer, recipients, marks and the date written in Chinese numerals', () => {
    assert.equal(best.title?.value, '关于内蒙古某某建设有限公司某某项目建设工程规划许可的批复');
    assert.equal(best.issuer?.value, '呼和浩特市行政审批和政务服务局');
    assert.equal(best.recipients?.value, '内蒙古某某建设有限公司');
    assert.equal(best.secrecyMark?.value, '秘密');
    assert.equal(best.retentionMark?.value, '永久');
    assert.equal(best.documentDate?.value, '2024-03-05');
  });
  it('finds checked identifiers and masks the resident id', () => {
    assert.deepEqual(
      of(fields, 'creditCode').map((f) => [f.value, f.valid]),
      [['914403001922038216', true]],
    );
    const id = of(fields, 'residentId');
    assert.equal(id.length, 1);
    assert.equal(id[0]!.value, '110105********002X');
    assert.equal(id[0]!.raw, undefined);
    assert.deepEqual(
      of(fields, 'permitNumber').map((f) => f.value),
      ['建字第150100202400123号'],
    );
  });
  it('finds phones, amounts in yuan and the address', () => {
    assert.deepEqual(
      of(fields, 'phone').map((f) => f.value),
      ['0471-6601234', '13912345678'],
    );
    assert.deepEqual(
      of(fields, 'amount').map((f) => f.value),
      ['12005000', '1200000'],
    );
    assert.equal(best.address?.value, '呼和浩特市赛罕区敕勒川大街15号');
  });
});

describe('field extraction from noisy OCR text', () => {
  it('reads a document number with spaces, full-width digits and O/l for 0/1', () => {
    const f = extractFields('依据 呼审批发 ［２O２4］ l7 号 文件办理');
    assert.deepEqual(
      of(f, 'docNumber').map((x) => x.value),
      ['呼审批发〔2024〕17号'],
    );
    assert.ok(of(f, 'docNumber')[0]!.confidence < 0.97);
  });
  it('repairs a credit code whose 0 was read as O, and flags a wrong check character', () => {
    const f = extractFields('统一社会信用代码：9144O3OO1922038216\n统一社会信用代码：914403001922038217');
    assert.deepEqual(
      of(f, 'creditCode').map((x) => [x.value, x.valid]),
      [
        ['914403001922038216', true],
        ['914403001922038217', false],
      ],
    );
  });
  it('does not offer an 18-digit number with a wrong check digit as a resident id', () => {
    const f = extractFields('编码110105194912310021备用');
    assert.equal(of(f, 'residentId').length, 0);
  });
  it('reads dates in every common form and rejects impossible ones', () => {
    const f = extractFields('2024年3月5日、2024-03-06、2024.3.7、二〇二三年十二月三十一日、2024年2月30日');
    assert.deepEqual(
      of(f, 'date').map((x) => [x.value, x.valid]),
      [
        ['2024-03-05', true],
        ['2024-03-06', true],
        ['2024-03-07', true],
        ['2023-12-31', true],
        ['2024-02-30', false],
      ],
    );
  });
  it('returns nothing for empty or non-Chinese text', () => {
    assert.deepEqual(extractFields(''), []);
    assert.deepEqual(extractFields('The quick brown fox.'), []);
  });
});
